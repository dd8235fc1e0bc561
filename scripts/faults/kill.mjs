// Scenario `kill`: `kill -9` of `npm start` while eight people send, then the very same
// command again; their sockets reconnect and resend what was not acked.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cleanUp, startLauncher } from '../launcher-testkit.mjs';
import { replayedOriginals, totalAcked } from '../lib/fault-clients.mjs';
import { launcherEnv, people, say, senders, underLoad } from '../lib/fault-scenario-kit.mjs';

export async function killNine() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-faults-kill-'));
  const launched = [];
  let list = [];
  try {
    const env = await launcherEnv(dataDir);
    const base = `http://127.0.0.1:${env.PORT}`;
    say(`starting npm start (QC_SKIP_BUILD=1, port ${env.PORT}, data in ${dataDir})`);
    const first = await startLauncher(launched, env);
    say(`ready in ${(first.readyMs / 1000).toFixed(1)} s; 8 people in 2 rooms start sending`);
    list = await senders([base], await people(base, 8, 'kill'), 4, 'k');
    let killedAt = 0;
    const totals = await underLoad(list, {
      warmupAcked: 400,
      fault: async () => {
        killedAt = Date.now();
        first.child.kill('SIGKILL');
        await first.exited;
        say(`kill -9 of the launcher (pid ${first.child.pid}) with ${totalAcked(list)} acked; npm start again`);
        const second = await startLauncher(launched, env, { withinMs: 60_000 });
        say(`ready again in ${(second.readyMs / 1000).toFixed(1)} s; senders reconnect and resend what was not acked`);
      },
    });
    const { resent, original } = replayedOriginals(list, killedAt);
    const note = `${resent} messages acked only after a resend, ${original} of them stored before the kill and answered with the original`;
    say(note);
    return { ...totals, note };
  } finally {
    for (const s of list) s.close();
    await cleanUp(launched, [dataDir]);
  }
}
