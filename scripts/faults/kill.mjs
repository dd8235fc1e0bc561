// Scenario `kill`: `kill -9` of `npm start` while eight people send, then the very same
// command again; their sockets reconnect and resend what was not acked.
import { startLauncher } from '../launcher-testkit.mjs';
import { replayedOriginals, totalAcked } from '../lib/fault-clients.mjs';
import { people, say, senders, underLoad, withLaunchedProduct } from '../lib/fault-scenario-kit.mjs';

export function killNine() {
  return withLaunchedProduct('kill', async ({ env, base, launcher: first, launched, closing }) => {
    say('8 people in 2 rooms start sending');
    const list = await senders([base], await people(base, 8, 'kill'), 4, 'k');
    closing(() => list.forEach((s) => s.close()));
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
  });
}
