// What the fault suite's scenarios (scripts/faults/*.mjs) share: people and rooms made over
// REST, senders under load while a fault happens, the count afterwards, and probes.
import { get as httpGet } from 'node:http';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanUp, freePort, http, register, root, startLauncher } from '../launcher-testkit.mjs';
import { audit, connected, refusalSummary, report, runAll, Sender, totalAcked } from './fault-clients.mjs';

const t0 = Date.now();
/** A progress line, timed from the suite's start. */
export const say = (line) => console.log(`[faults +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
/** Tells this run's accounts and topics apart from any other's. */
export const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

/** `n` new accounts on `base`, a few sign-ups at a time (each costs an argon2 hash). */
export async function people(base, n, prefix, concurrency = 4) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await register(base, `${prefix}${run}${i}`.slice(0, 32));
      }
    }),
  );
  return out;
}

/** Groups of `size`: the first of each makes the room with the rest in it. Returns each person's roomId. */
export async function groups(base, users, size) {
  const roomOf = new Array(users.length);
  for (let g = 0; g < users.length; g += size) {
    const [owner, ...members] = users.slice(g, g + size);
    const r = await http(base, 'POST', '/rooms', {
      token: owner.accessToken,
      body: { kind: 'group', name: `faults ${g / size}`, memberIds: members.map((m) => m.user.id) },
    });
    if (r.status !== 201) throw new Error(`creating a room: ${r.status} ${JSON.stringify(r.body)}`);
    for (let i = g; i < g + size && i < users.length; i++) roomOf[i] = r.body.id;
  }
  return roomOf;
}

/** One sender per person, in rooms of `roomSize`, the i-th connected to `bases[i % bases.length]`. */
export async function senders(bases, users, roomSize, prefix) {
  const roomOf = await groups(bases[0], users, roomSize);
  const list = users.map(
    (u, i) =>
      new Sender({ name: `${prefix}${i}`, base: bases[i % bases.length], token: u.accessToken, userId: u.user.id, roomId: roomOf[i] }),
  );
  await Promise.all(list.map((s) => connected(s.socket)));
  return list;
}

/** A connected socket per room, to read it with room:sync (the room's first sender's). */
export function readers(list) {
  const map = new Map();
  for (const s of list) if (!map.has(s.roomId)) map.set(s.roomId, s.socket);
  return map;
}

/** Resolves once every sender has had `more` messages acked since the call, or rejects after `ms`. */
export async function eachAckedMore(list, more, ms, what) {
  const marks = list.map((s) => s.acked.size);
  const end = Date.now() + ms;
  while (list.some((s, i) => s.acked.size < marks[i] + more)) {
    if (Date.now() > end) {
      const behind = list.filter((s, i) => s.acked.size < marks[i] + more).map((s) => s.name);
      throw new Error(
        `${what}: ${behind.length} sender(s) had fewer than ${more} more messages acked within ${ms / 1000} s (${behind.join(', ')})`,
      );
    }
    await sleep(50);
  }
}

/**
 * The common shape of a send-load scenario: senders run; `fault()` breaks and mends
 * something while they do; then each must get `more` messages acked, the load stops (every
 * sender finishing the message it is on), and the rooms are audited.
 */
export async function underLoad(list, { warmupAcked, fault, more = 10, recoverMs = 90_000, afterLoad = async () => undefined }) {
  let stopping = false;
  const load = runAll(list, { stop: () => stopping, deadlineMs: 240_000 });
  let failure = null;
  try {
    const end = Date.now() + 60_000;
    while (totalAcked(list) < warmupAcked && Date.now() < end) await sleep(20);
    if (totalAcked(list) < warmupAcked) throw new Error(`only ${totalAcked(list)} messages acked in 60 s before the fault`);
    say(`${totalAcked(list)} messages acked by ${list.length} senders; now the fault`);
    await fault();
    say(`waiting until every sender has ${more} more messages acked`);
    await eachAckedMore(list, more, recoverMs, 'after the fault');
  } catch (e) {
    failure = e;
  } finally {
    stopping = true;
    await load.catch((e) => (failure ??= e));
  }
  if (failure) {
    // Still count what can be counted, so a failed scenario's losses reach the closing line.
    try {
      const result = await audit(list, readers(list));
      report(result, say);
      failure.totals = result.totals;
    } catch {
      // no server to ask: nothing more to count
    }
    throw failure;
  }
  say(`load stopped: ${totalAcked(list)} acked in all; refusals seen by senders: ${refusalSummary(list)}`);
  const problems = [];
  await afterLoad(problems);
  say('counting, room by room (room:sync from seq 0)');
  const result = await audit(list, readers(list));
  problems.push(...report(result, say));
  return { ...result.totals, problems };
}

/**
 * Live delivery after a fault: a message `from` sends now must reach `watcher`'s socket as
 * `message:new`, not only through room:sync. Live fan-out over Redis pub/sub is at most once
 * (what is published while a subscriber reconnects is missed, and clients heal by sync), so
 * this sends one message a second until one arrives, for at most `ms`. The messages are
 * ordinary sends of `from`, so the audit counts them too.
 */
export function watchLive(watcher, from, what) {
  const seen = new Set();
  watcher.socket.on('message:new', (m) => m.roomId === watcher.roomId && seen.add(m.seq));
  return async (problems, ms = 60_000) => {
    const t = Date.now();
    const end = t + ms;
    for (let tries = 1; Date.now() < end; tries++) {
      const mark = from.acked.size;
      await from.run({ stop: (s) => s.acked.size > mark, deadline: end });
      const seq = [...from.acked.values()].at(-1)?.seq;
      const wait = Math.min(end, Date.now() + 1000);
      while (!seen.has(seq) && Date.now() < wait) await sleep(50);
      if (seen.has(seq)) {
        say(
          `live delivery ${what}: ${from.name}'s message (seq ${seq}) reached ${watcher.name} after ${tries} tr${tries > 1 ? 'ies' : 'y'}, ${Date.now() - t} ms`,
        );
        return;
      }
    }
    problems.push(`live delivery ${what} did not resume: nothing ${from.name} sent reached ${watcher.name} in ${ms / 1000} s`);
  };
}

/**
 * GET /health on a connection of its own, as a load balancer's probe does (a kept-alive one
 * could be closed by the server just as a probe goes out, which says nothing about the server).
 */
export function health(base, ms = 10_000) {
  const t = Date.now();
  return new Promise((resolve) => {
    const req = httpGet(`${base}/api/v1/health`, { agent: false, timeout: ms }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, ms: Date.now() - t, body }));
      res.on('error', (e) => resolve({ status: 0, ms: Date.now() - t, why: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer in ${ms} ms`), { code: `no answer in ${ms} ms` })));
    req.on('error', (e) => resolve({ status: 0, ms: Date.now() - t, why: e.code ?? e.message }));
  });
}

/**
 * The load is far above what one person may send, and the storm signs up hundreds of people
 * from one address: the product's budgets are not under test here, so they are raised.
 */
export const LOAD_LIMITS = {
  RATE_LIMIT_MESSAGES_PER_SEC: '100000',
  RATE_LIMIT_MESSAGES_BURST: '100000',
  SIGNUPS_PER_ADDRESS: '100000',
};

export const launcherEnv = async (dataDir) => ({ PORT: String(await freePort()), QC_DATA_DIR: dataDir, ...LOAD_LIMITS });

/**
 * `npm start` (QC_SKIP_BUILD=1) on a fresh data folder with the load limits raised, for one
 * scenario: `scenario({ env, base, launcher, launched, dataDir, closing })` runs once it is
 * ready; whatever happens, the sockets it registered with `closing(fn)` are closed, every
 * launcher it started (`launched`) is stopped and the folder removed.
 */
export async function withLaunchedProduct(label, scenario) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `qc-faults-${label}-`));
  const launched = [];
  const closers = [];
  try {
    const env = await launcherEnv(dataDir);
    const base = `http://127.0.0.1:${env.PORT}`;
    say(`starting npm start (QC_SKIP_BUILD=1, port ${env.PORT}, data in ${dataDir})`);
    const launcher = await startLauncher(launched, env);
    say(`ready in ${(launcher.readyMs / 1000).toFixed(1)} s`);
    return await scenario({ env, base, launcher, launched, dataDir, closing: (fn) => closers.push(fn) });
  } finally {
    for (const close of closers) close();
    await cleanUp(launched, [dataDir]);
  }
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i], i);
      }
    }),
  );
}

/** A problem if the launcher has ended. */
export function assertStillServing(launcher, totals) {
  if (launcher.child.exitCode !== null || launcher.child.signalCode !== null)
    totals.problems.push(`npm start ended (${launcher.child.exitCode ?? launcher.child.signalCode}):\n${launcher.output()}`);
}

/** ApiNode and the private PostgreSQL + Redis from the api's test support (compiled by the build). */
export async function clusterSupport() {
  const file = path.join(root, 'apps/api/dist/test/support/node-cluster.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build)`);
  return import(file);
}
