// Scenario `stall`: the embedded PostgreSQL of a running `npm start` frozen with SIGSTOP
// (the postmaster and every backend) for a few seconds while people send, then SIGCONT.
import { setTimeout as sleep } from 'node:timers/promises';
import testing from '@qc/core/testing';
import { stopWithSigint } from '../launcher-testkit.mjs';
import { totalAcked } from '../lib/fault-clients.mjs';
import { assertStillServing, health, people, say, senders, underLoad, withLaunchedProduct } from '../lib/fault-scenario-kit.mjs';

// The freeze the api's database-stall spec uses: the postmaster and every backend.
const { freezePostgres } = testing;

export const STALL_MS = 5000;

export function postgresStall() {
  return withLaunchedProduct('stall', async ({ base, launcher, dataDir, closing }) => {
    say('8 people in 2 rooms start sending');
    const list = await senders([base], await people(base, 8, 'stall'), 4, 's');
    closing(() => list.forEach((s) => s.close()));
    const before = new Map(list.map((s) => [s, new Map(s.refusals)]));
    let during = '';
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        const ackedAtStop = totalAcked(list);
        const frozen = freezePostgres(dataDir);
        say(
          `SIGSTOP to the embedded PostgreSQL (postmaster ${frozen.pids[0]} and ${frozen.pids.length - 1} children) for ${STALL_MS / 1000} s`,
        );
        try {
          // Asked 2 s in: a pool that answered a moment ago is trusted for a second (so one slow
          // new connection does not flip it), so the first instant of a stall still reads 200.
          const probes = await Promise.all([sleep(2000).then(() => health(base, STALL_MS - 2500)), sleep(STALL_MS)]);
          const h = probes[0];
          during = `GET /health 2 s into the stall: ${h.status || h.why} in ${h.ms} ms`;
        } finally {
          frozen.thaw();
        }
        say(`SIGCONT; ${totalAcked(list) - ackedAtStop} sends were acked during the stall; ${during}`);
      },
    });
    // What the stall cost the senders: refusals by code, beyond any seen before it.
    const codes = new Map();
    for (const [s, was] of before)
      for (const [code, n] of s.refusals)
        if (n - (was.get(code) ?? 0) > 0) codes.set(code, (codes.get(code) ?? 0) + n - (was.get(code) ?? 0));
    const refused = [...codes].map(([c, n]) => `${c}×${n}`).join(', ') || 'none';
    say(`sends refused or unanswered around the stall: ${refused}`);
    const after = await health(base);
    if (after.status !== 200) totals.problems.push(`GET /health after the stall answered ${after.status || after.why}`);
    assertStillServing(launcher, totals);
    await stopWithSigint(launcher);
    return { ...totals, note: `refused: ${refused}` };
  });
}
