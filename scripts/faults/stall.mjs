// Scenario `stall`: the embedded PostgreSQL of a running `npm start` frozen with SIGSTOP
// (the postmaster and every backend) for a few seconds while people send, then SIGCONT.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanUp, startLauncher, stopWithSigint } from '../launcher-testkit.mjs';
import { totalAcked } from '../lib/fault-clients.mjs';
import { assertStillServing, health, launcherEnv, people, say, senders, underLoad } from '../lib/fault-scenario-kit.mjs';

export const STALL_MS = 5000;

/**
 * The embedded PostgreSQL's processes: its postmaster (from the launcher's record, else
 * PostgreSQL's own postmaster.pid in the cluster folder) and every child of it.
 */
function postgresFamily(dataDir) {
  const record = path.join(dataDir, 'postgres-launcher.json');
  const postmaster = existsSync(record)
    ? JSON.parse(readFileSync(record, 'utf8')).postmasterPid
    : Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const cmd = readFileSync(`/proc/${postmaster}/cmdline`, 'utf8');
  if (!cmd.includes(dataDir)) throw new Error(`pid ${postmaster} is not the PostgreSQL of ${dataDir}: ${cmd}`);
  const children = readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

function signalAll(pids, sig) {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // gone meanwhile
    }
  }
}

export async function postgresStall() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-faults-stall-'));
  const launched = [];
  let list = [];
  try {
    const env = await launcherEnv(dataDir);
    const base = `http://127.0.0.1:${env.PORT}`;
    say(`starting npm start (port ${env.PORT}, data in ${dataDir})`);
    const launcher = await startLauncher(launched, env);
    say(`ready in ${(launcher.readyMs / 1000).toFixed(1)} s; 8 people in 2 rooms start sending`);
    list = await senders([base], await people(base, 8, 'stall'), 4, 's');
    const before = new Map(list.map((s) => [s, new Map(s.refusals)]));
    let during = '';
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        const pids = postgresFamily(dataDir);
        say(`SIGSTOP to the embedded PostgreSQL (postmaster ${pids[0]} and ${pids.length - 1} children) for ${STALL_MS / 1000} s`);
        const ackedAtStop = totalAcked(list);
        signalAll(pids, 'SIGSTOP');
        try {
          const probes = await Promise.all([health(base, STALL_MS - 500), sleep(STALL_MS)]);
          const h = probes[0];
          during = `GET /health while stalled: ${h.status || h.why} in ${h.ms} ms`;
        } finally {
          signalAll(pids, 'SIGCONT');
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
  } finally {
    for (const s of list) s.close();
    await cleanUp(launched, [dataDir]);
  }
}
