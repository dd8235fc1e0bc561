#!/usr/bin/env node
// `npm run faults`: the fault suite (issue #10). Breaks a running Quantum Chat while people
// keep sending, then counts, per client, what the server acked against what it kept:
//   kill    `kill -9` of `npm start` under send load, restarted by the same command
//   stall   the embedded PostgreSQL frozen (SIGSTOP) for a few seconds during sends
//   redis   the distributed profile's Redis killed and started again during sends
//   kafka   the distributed profile's Kafka broker killed and started again during sends
//   storm   2,000 sockets dropping and reconnecting at once, then a burst of bad payloads
// Every sender resends an un-acked message with the same clientMsgId until it is acked (the
// product's idempotent send), so afterwards every room must hold exactly the acked messages,
// once each, at seqs 1..N. Ends with one line:
//   faults: N survived, M bad inputs tried, 0 acked lost, 0 duplicated
// and exits non-zero if a scenario failed or anything acked was lost or duplicated.
// Runs against the existing build (npm test builds first, then runs this last). Flags:
// --only kill,stall,… Settings: FAULTS_STORM_SOCKETS (2000); FAULTS_EXTRA_BAD_INPUTS, bad
// inputs another suite tried, added to M (npm test passes the OpenAPI fuzzer's request
// count); FAULTS_SUMMARY_FILE, where to write the counts as JSON.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cleanUp, freePort, http, register, root, startLauncher, stopWithSigint } from './launcher-testkit.mjs';
import {
  ask,
  audit,
  connected,
  openSocket,
  pollHealthApart,
  refusalSummary,
  replayedOriginals,
  report,
  runAll,
  Sender,
  syncRoom,
  totalAcked,
} from './lib/fault-clients.mjs';

const t0 = Date.now();
const say = (line) => console.log(`[faults +${((Date.now() - t0) / 1000).toFixed(0)}s] ${line}`);
const run = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

// ---------------------------------------------------------------------------------------
// People, rooms and senders
// ---------------------------------------------------------------------------------------

/** `n` new accounts on `base`, a few sign-ups at a time (each costs an argon2 hash). */
async function people(base, n, prefix, concurrency = 4) {
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
async function groups(base, users, size) {
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
async function senders(bases, users, roomSize, prefix) {
  const roomOf = await groups(bases[0], users, roomSize);
  const list = users.map(
    (u, i) =>
      new Sender({ name: `${prefix}${i}`, base: bases[i % bases.length], token: u.accessToken, userId: u.user.id, roomId: roomOf[i] }),
  );
  await Promise.all(list.map((s) => connected(s.socket)));
  return list;
}

/** A connected socket per room, to read it with room:sync (the room's first sender's). */
function readers(list) {
  const map = new Map();
  for (const s of list) if (!map.has(s.roomId)) map.set(s.roomId, s.socket);
  return map;
}

/** Resolves once every sender has had `more` messages acked since the call, or rejects after `ms`. */
async function eachAckedMore(list, more, ms, what) {
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
async function underLoad(list, { warmupAcked, fault, more = 10, recoverMs = 90_000, afterLoad = async () => undefined }) {
  let stopping = false;
  const load = runAll(list, { stop: () => stopping, deadlineMs: 240_000 });
  let failure = null;
  try {
    const end = Date.now() + 30_000;
    while (totalAcked(list) < warmupAcked && Date.now() < end) await sleep(20);
    if (totalAcked(list) < warmupAcked) throw new Error(`only ${totalAcked(list)} messages acked in 30 s before the fault`);
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
function watchLive(watcher, from, what) {
  const seen = new Set();
  watcher.socket.on('message:new', (m) => m.roomId === watcher.roomId && seen.add(m.seq));
  return async (problems, ms = 30_000) => {
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
function health(base, ms = 10_000) {
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
const LOAD_LIMITS = {
  RATE_LIMIT_MESSAGES_PER_SEC: '100000',
  RATE_LIMIT_MESSAGES_BURST: '100000',
  SIGNUPS_PER_ADDRESS: '100000',
};

const launcherEnv = async (dataDir) => ({ PORT: String(await freePort()), QC_DATA_DIR: dataDir, ...LOAD_LIMITS });

// ---------------------------------------------------------------------------------------
// a. kill -9 of `npm start` under load, and the same command again
// ---------------------------------------------------------------------------------------

async function killNine() {
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

// ---------------------------------------------------------------------------------------
// b. the embedded PostgreSQL frozen with SIGSTOP during sends
// ---------------------------------------------------------------------------------------

const STALL_MS = 5000;

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

async function postgresStall() {
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

function assertStillServing(launcher, totals) {
  if (launcher.child.exitCode !== null || launcher.child.signalCode !== null)
    totals.problems.push(`npm start ended (${launcher.child.exitCode ?? launcher.child.signalCode}):\n${launcher.output()}`);
}

// ---------------------------------------------------------------------------------------
// c. the distributed profile: Redis restarted, and Kafka's broker restarted, during sends
// ---------------------------------------------------------------------------------------

/** ApiNode and the private PostgreSQL + Redis from the api's test support (compiled by the build). */
async function clusterSupport() {
  const file = path.join(root, 'apps/api/dist/test/support/node-cluster.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build first (npm run build)`);
  return import(file);
}

async function redisRestart() {
  const { ApiNode, startSharedEngines } = await clusterSupport();
  say('starting a PostgreSQL, a private redis-server and two api nodes sharing them');
  const engines = await startSharedEngines();
  const env = { ...engines.env, ...LOAD_LIMITS };
  const nodes = [];
  let list = [];
  try {
    nodes.push(...(await Promise.all([ApiNode.start('api-a', env), ApiNode.start('api-b', env)])));
    say(`api nodes on ${nodes.map((n) => n.port).join(' and ')}, Redis on ${engines.redis.port}; 8 people in 2 rooms, on both nodes`);
    list = await senders(
      nodes.map((n) => n.base),
      await people(nodes[0].base, 8, 'redis'),
      4,
      'r',
    );
    // r1 is on api-b; r0, in its room, sends through api-a.
    const liveResumed = watchLive(list[1], list[0], 'from api-a to api-b through Redis');
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        await engines.redis.kill();
        say('Redis killed (SIGKILL); sending on for 3 s without it');
        await sleep(3000);
        await engines.redis.up();
        say('redis-server started again on the same port');
      },
      afterLoad: (problems) => liveResumed(problems),
    });
    for (const n of nodes) if (!n.alive) totals.problems.push(`${n.name} died:\n${n.log}`);
    const h = await health(nodes[1].base);
    if (h.status !== 200) totals.problems.push(`GET /health on api-b after Redis came back: ${h.status || h.why}`);
    return totals;
  } finally {
    for (const s of list) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await engines.stop();
  }
}

/**
 * A Kafka of this suite's own, in a folder and on ports of its own, so it may be killed and
 * restarted without touching one somebody else (npm test, another checkout) is using. It
 * boots in the background from the suite's start (a JVM takes a while); the scenario waits.
 */
async function startPrivateKafka() {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-faults-engines-'));
  process.env.QC_ENGINES_DIR = dir;
  process.env.KAFKA_PORT = String(await freePort());
  process.env.KAFKA_CONTROLLER_PORT = String(await freePort());
  const engines = await import('./engines.mjs');
  const lines = [];
  const ready = engines.up(['kafka'], { log: (line) => lines.push(line) });
  ready.catch(() => undefined); // awaited by the scenario, which reports the failure
  let stopped = null;
  return {
    engines,
    port: process.env.KAFKA_PORT,
    lines,
    ready,
    stop: () =>
      (stopped ??= engines
        .down(['kafka'], { log: () => undefined })
        .catch((e) => say(`could not stop the private Kafka: ${e.message}`))
        .finally(() => rmSync(dir, { recursive: true, force: true }))),
  };
}
let privateKafka = null;

async function kafkaRestart() {
  const { ApiNode, startSharedEngines } = await clusterSupport();
  const kafka = privateKafka ?? (privateKafka = await startPrivateKafka());
  const { engines } = kafka;
  const log = (line) => say(line);
  let shared = null;
  const nodes = [];
  let list = [];
  try {
    say(`waiting for the private Kafka on ${kafka.port} (KRaft, from ~/.m2; started with the suite)`);
    await kafka.ready.finally(() => kafka.lines.forEach(log));
    shared = await startSharedEngines();
    const env = {
      ...shared.env,
      KAFKA_BROKERS: `127.0.0.1:${kafka.port}`,
      KAFKA_TOPIC: `faults.chat.${run}`,
      KAFKA_NOTIFICATIONS_TOPIC: `faults.notify.${run}`,
      KAFKA_TOPIC_PARTITIONS: '2',
      ...LOAD_LIMITS,
    };
    say('starting an api node and an apps/workers process (fan-out) on Kafka, Redis and PostgreSQL');
    nodes.push(
      ...(await Promise.all([ApiNode.start('api', env), ApiNode.startWorkers('workers', { ...env, WORKERS_CONSUMERS: 'fanout' })])),
    );
    const api = nodes[0];
    list = await senders([api.base], await people(api.base, 8, 'kafka'), 4, 'q');
    const liveResumed = watchLive(list[1], list[0], 'through Kafka and the workers');
    let restartMs = 0;
    const totals = await underLoad(list, {
      warmupAcked: 200,
      fault: async () => {
        restartMs = await engines.restart('kafka', {
          log,
          signal: 'SIGKILL',
          whileDown: async () => {
            say('Kafka killed (SIGKILL); sending on for 3 s without it');
            await sleep(3000);
          },
        });
      },
      recoverMs: 120_000,
      afterLoad: (problems) => liveResumed(problems),
    });
    say(`the broker was back in ${(restartMs / 1000).toFixed(1)} s`);
    for (const n of nodes) if (!n.alive) totals.problems.push(`${n.name} died:\n${n.log}`);
    return totals;
  } finally {
    for (const s of list) s.close();
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await shared?.stop();
    await kafka.stop();
  }
}

// ---------------------------------------------------------------------------------------
// d. a reconnect storm of 2,000 sockets, and a burst of bad payloads
// ---------------------------------------------------------------------------------------

const STORM_SOCKETS = Number(process.env.FAULTS_STORM_SOCKETS || 2000);
/** Sockets per person: well under the per-person cap (20 devices) even if old and new overlap for a moment. */
const SOCKETS_PER_PERSON = 10;

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
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

async function reconnectStorm() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-faults-storm-'));
  const launched = [];
  const sockets = [];
  let list = [];
  try {
    const env = await launcherEnv(dataDir);
    const base = `http://127.0.0.1:${env.PORT}`;
    say(`starting npm start (port ${env.PORT}, data in ${dataDir})`);
    const launcher = await startLauncher(launched, env);
    const personCount = Math.ceil(STORM_SOCKETS / SOCKETS_PER_PERSON);
    say(`ready; signing up ${personCount} people (${SOCKETS_PER_PERSON} sockets each) in rooms of 10`);
    const users = await people(base, personCount, 'storm', 8);
    list = await senders([base], users, 10, 'm');
    say(`each of ${list.length} people sends 2 messages`);
    await runAll(list, { stop: (s) => s.acked.size >= 2, deadlineMs: 120_000 });
    say(`${totalAcked(list)} acked; opening ${STORM_SOCKETS} sockets in all`);
    for (const s of list) sockets.push({ socket: s.socket, sender: s });
    const extra = [];
    for (const s of list) for (let k = 1; k < SOCKETS_PER_PERSON && sockets.length + extra.length < STORM_SOCKETS; k++) extra.push(s);
    await pool(extra, 100, async (s) => {
      const socket = openSocket(base, s.token);
      sockets.push({ socket, sender: s });
      await connected(socket, 60_000);
    });
    say(`${sockets.filter((x) => x.socket.connected).length} sockets connected; all drop and reconnect at once`);

    // A bound for a server that has stopped answering, not for a slow one: its slowest answer is printed.
    const poller = pollHealthApart(base, { timeoutMs: 30_000 });
    const lag = monitorEventLoopDelay();
    lag.enable();
    const t = Date.now();
    for (const { socket } of sockets) socket.disconnect();
    for (const { socket } of sockets) socket.connect();
    const problems = [];
    try {
      await Promise.all(sockets.map(({ socket }) => connected(socket, 120_000)));
    } catch (e) {
      problems.push(`${sockets.filter((x) => !x.socket.connected).length} sockets did not reconnect: ${e.message}`);
    }
    const stormMs = Date.now() - t;
    say(
      `${sockets.filter((x) => x.socket.connected).length} of ${sockets.length} reconnected in ${(stormMs / 1000).toFixed(1)} s; each syncs its room`,
    );

    // Per socket: does its room:sync show everything acked in its room, once, at 1..N?
    const ackedIn = new Map();
    for (const s of list)
      for (const [cid, m] of s.acked) ackedIn.set(s.roomId, [...(ackedIn.get(s.roomId) ?? []), { ...m, cid, userId: s.userId }]);
    // Socket by socket, and message by message: an acked message is lost if any socket of
    // its room missed it, duplicated if any socket saw it (or its clientMsgId) twice.
    let looked = 0;
    let seen = 0;
    let gaps = 0;
    const missed = new Set();
    const twice = new Set();
    await pool(sockets, 100, async ({ socket, sender }) => {
      const want = ackedIn.get(sender.roomId) ?? [];
      const { messages } = await syncRoom(socket, sender.roomId, { ms: 30_000 });
      const seqs = messages.map((m) => m.seq).sort((a, b) => a - b);
      if (!seqs.every((q, i) => q === i + 1)) gaps++;
      const byKey = new Map();
      for (const m of messages) {
        const key = `${m.senderId}/${m.clientMsgId}`;
        if (byKey.has(key)) twice.add(key);
        byKey.set(key, m);
      }
      looked += want.length;
      for (const w of want) {
        const m = byKey.get(`${w.userId}/${w.cid}`);
        if (m && m.id === w.id && m.seq === w.seq) seen++;
        else missed.add(`${w.userId}/${w.cid}`);
      }
    }).catch((e) => problems.push(`room:sync after the storm: ${e.message}`));
    const probes = await poller.stop();
    lag.disable();
    say(
      `  ${sockets.length} sockets looked for ${looked} acked messages of their rooms and found ${seen}; ` +
        `of ${totalAcked(list)} acked, ${missed.size} missed by some socket, ${twice.size} seen twice; ${gaps} socket(s) saw a gap`,
    );
    const failedProbes = probes.filter((h) => h.status !== 200);
    const slowest = Math.max(...probes.map((h) => h.ms));
    say(
      `  GET /health during the storm (every 250 ms from another process, 30 s bound): ${probes.length} probes, slowest ${slowest} ms, ` +
        `${failedProbes.length} not 200 (this process's own event loop lagged ${Math.round(lag.max / 1e6)} ms at most)` +
        (failedProbes.length ? ` (${failedProbes.map((h) => `${h.status || h.why} after ${h.ms} ms`).join(', ')})` : ''),
    );
    if (missed.size) problems.push(`${missed.size} acked message(s) missing from some socket's sync`);
    if (twice.size) problems.push(`${twice.size} message(s) seen twice in some socket's sync`);
    if (gaps) problems.push(`${gaps} socket(s) saw a gap in their room's seqs`);
    if (failedProbes.length) problems.push(`GET /health failed during the storm: ${failedProbes.map((h) => h.status || h.why).join(', ')}`);

    const bad = await badInputs(list);
    problems.push(...bad.problems);
    const after = await health(base);
    if (after.status !== 200) problems.push(`GET /health after the storm: ${after.status || after.why}`);
    assertStillServing(launcher, { problems });
    await stopWithSigint(launcher);
    const acked = totalAcked(list);
    return { acked, found: acked - missed.size, lost: missed.size, duplicated: twice.size, problems, badInputs: bad.tried };
  } finally {
    for (const { socket } of sockets) socket.close();
    await cleanUp(launched, [dataDir]);
  }
}

/**
 * Malformed and forbidden socket payloads, each with an ack: every one must be refused with
 * an error code (never INTERNAL, never ok), nothing stored, and the socket left connected.
 */
async function badInputs(list) {
  const [me, other] = [list[0], list.find((s) => s.roomId !== list[0].roomId) ?? list[1]];
  const room = me.roomId;
  const fine = { roomId: room, clientMsgId: 'fine', content: 'fine' };
  const protoKey = JSON.parse(`{"roomId":"${room}","clientMsgId":"p1","content":"x","__proto__":{"isAdmin":true}}`);
  const cases = [
    ['message:send', null],
    ['message:send', 42],
    ['message:send', 'hello'],
    ['message:send', []],
    ['message:send', {}],
    ['message:send', { ...fine, roomId: 'not-a-uuid' }],
    ['message:send', { ...fine, roomId: `${room}' OR 1=1 --` }],
    ['message:send', { ...fine, roomId: other.roomId }],
    ['message:send', { ...fine, roomId: '00000000-0000-4000-8000-000000000000' }],
    ['message:send', { ...fine, clientMsgId: '' }],
    ['message:send', { ...fine, clientMsgId: 'has space' }],
    ['message:send', { ...fine, clientMsgId: 'x'.repeat(65) }],
    ['message:send', { ...fine, clientMsgId: 7 }],
    ['message:send', { ...fine, content: '' }],
    ['message:send', { ...fine, content: 12 }],
    ['message:send', { ...fine, content: 'nul\u0000byte' }],
    ['message:send', { ...fine, content: 'x'.repeat(4001) }],
    ['message:send', { ...fine, content: { $gt: '' } }],
    ['message:send', { ...fine, contentType: 'evil' }],
    ['message:send', { ...fine, replyTo: 'nope' }],
    ['message:send', { ...fine, isAdmin: true }],
    ['message:send', protoKey],
    ['room:sync', { roomId: room, afterSeq: -1 }],
    ['room:sync', { roomId: room, afterSeq: 1e22 }],
    ['room:sync', { roomId: room, afterSeq: '1' }],
    ['room:sync', { roomId: room, afterSeq: 1.5 }],
    ['room:sync', { roomId: room, afterSeq: 0, limit: 0 }],
    ['room:sync', { roomId: room, afterSeq: 0, limit: 100_000 }],
    ['room:sync', { roomId: other.roomId, afterSeq: 0 }],
    ['room:sync', { afterSeq: 0 }],
    ['room:read', { roomId: room, seq: -5 }],
    ['room:read', { roomId: room, seq: Number.MAX_VALUE }],
    ['room:delivered', { roomId: room, seq: 'x' }],
    ['typing', { roomId: room, isTyping: 'yes' }],
    ['typing', { roomId: other.roomId, isTyping: true }],
    ['message:edit', { roomId: room, messageId: 'nope', content: 'x' }],
    ['message:edit', { roomId: room, messageId: '00000000-0000-4000-8000-000000000000', content: 'x' }],
    ['message:delete', { roomId: room, messageId: 12 }],
    ['reaction:add', { roomId: room, messageId: '00000000-0000-4000-8000-000000000000', emoji: 'x'.repeat(500) }],
    ['reaction:remove', { roomId: room }],
  ];
  const senderSocket = me.socket;
  const { messages: beforeMsgs } = await syncRoom(senderSocket, room);
  say(`a burst of ${cases.length} kinds of bad payload, 5 rounds, on one socket`);
  const problems = [];
  let tried = 0;
  for (let round = 0; round < 5; round++) {
    const answers = await Promise.all(cases.map(([event, payload]) => ask(senderSocket, event, payload, 10_000)));
    tried += cases.length;
    answers.forEach((r, i) => {
      const [event, payload] = cases[i];
      const what = `${event} ${JSON.stringify(payload)?.slice(0, 80)}`;
      if (r.ok) problems.push(`accepted: ${what}`);
      else if (!r.error?.code || r.error.code === 'INTERNAL' || r.error.code === 'TIMEOUT')
        problems.push(`${r.error?.code ?? 'no code'} for ${what}`);
    });
  }
  // Events with no ack callback at all, and events that do not exist: nothing to answer, nothing may break.
  for (const [event, payload] of [...cases.slice(0, 5), ['no:such:event', {}], ['__proto__', {}]]) {
    senderSocket.emit(event, payload);
    tried++;
  }
  const check = await ask(senderSocket, 'room:sync', { roomId: room, afterSeq: 0 }, 10_000);
  if (!senderSocket.connected || !check.ok) problems.push('the socket that sent bad payloads was dropped or stopped answering');
  // A frame over the server's payload limit is not parsed at all: Socket.IO closes that one
  // connection. The client must be able to come straight back, and nothing else may notice.
  const dropped = new Promise((resolve) => senderSocket.once('disconnect', resolve));
  senderSocket.emit('message:send', { ...fine, content: 'x'.repeat(100_000) });
  tried++;
  const why = await Promise.race([dropped, sleep(10_000).then(() => 'still connected')]);
  await connected(senderSocket, 15_000).catch(() => problems.push(`no reconnect after an oversized frame (${why})`));
  say(`  an oversized frame (100 kB): ${why}; the socket reconnected: ${senderSocket.connected}`);
  const { messages: afterMsgs } = await syncRoom(senderSocket, room);
  if (afterMsgs.length !== beforeMsgs.length) problems.push(`bad payloads stored ${afterMsgs.length - beforeMsgs.length} message(s)`);
  const uniq = [...new Set(problems)];
  say(
    `  ${tried} bad inputs tried: ${uniq.length ? `${uniq.length} kinds answered wrongly` : 'every one refused with a code, nothing stored, the socket still up'}`,
  );
  return { tried, problems: uniq };
}

// ---------------------------------------------------------------------------------------

const SCENARIOS = [
  ['kill', 'kill -9 of npm start under send load, restarted by the same command', killNine],
  ['stall', `PostgreSQL frozen (SIGSTOP) for ${STALL_MS / 1000} s during sends`, postgresStall],
  ['redis', 'Redis killed and restarted during sends (distributed profile, two api nodes)', redisRestart],
  ['kafka', 'Kafka broker killed and restarted during sends (distributed profile)', kafkaRestart],
  ['storm', `reconnect storm of ${STORM_SOCKETS} sockets, then bad payloads`, reconnectStorm],
];

const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : null;
if (!existsSync(path.join(root, 'apps/api/dist/src/main.js'))) {
  console.error('The api is not built: run "npm run build" (or npm test) first, then "npm run faults".');
  process.exit(1);
}

const wanted = SCENARIOS.filter(([key]) => !only || only.has(key));
if (wanted.some(([key]) => key === 'kafka')) privateKafka = await startPrivateKafka();
// Kafka runs detached (its own process group): a Ctrl-C must not leave it behind.
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    say(`${sig}: stopping the private Kafka, then exiting`);
    void (privateKafka?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

let survived = 0;
let badInputsTried = Number(process.env.FAULTS_EXTRA_BAD_INPUTS || 0);
let lost = 0;
let duplicated = 0;
const failed = [];
for (const [key, title, scenario] of wanted) {
  say(`=== ${key}: ${title}`);
  const started = Date.now();
  try {
    const r = await scenario();
    lost += r.lost;
    duplicated += r.duplicated;
    badInputsTried += r.badInputs ?? 0;
    const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
    if (r.problems.length) {
      failed.push(key);
      say(`=== ${key}: FAILED in ${took}:\n  - ${r.problems.slice(0, 20).join('\n  - ')}`);
    } else {
      survived++;
      say(
        `=== ${key}: survived in ${took} (${r.acked} acked, ${r.found} found, ${r.lost} lost, ${r.duplicated} duplicated${r.note ? `; ${r.note}` : ''})`,
      );
    }
  } catch (e) {
    failed.push(key);
    lost += e?.totals?.lost ?? 0;
    duplicated += e?.totals?.duplicated ?? 0;
    say(`=== ${key}: FAILED: ${e instanceof Error ? e.stack : String(e)}`);
  }
}
if (failed.length) say(`failed: ${failed.join(', ')}`);
const line = `faults: ${survived} survived, ${badInputsTried} bad inputs tried, ${lost} acked lost, ${duplicated} duplicated`;
// npm test reads the counts from here rather than from this process's output.
if (process.env.FAULTS_SUMMARY_FILE)
  writeFileSync(
    process.env.FAULTS_SUMMARY_FILE,
    JSON.stringify({ survived, failed, badInputs: badInputsTried, lost, duplicated, line }) + '\n',
  );
console.log(line);
process.exit(failed.length || lost || duplicated ? 1 : 0);
