// A load-generator process (forked by run.mjs). It holds its share of the clients, sends at
// the rate it is told, and keeps per client what arrived; the parent asks it for the figures
// of a step and for the audit of that step against every generator's acks. Its own CPU is
// reported with every answer, so a saturated generator is never read as a slow server.
import { auditDeliveries, encodeHistogram, newHistogram, ReceiverLedger, recordMs, seededRandom, WireCount } from './accounting.mjs';
import { makeClient, now } from './clients.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let target = null;
let index = 0;
/**
 * { id, userId, token, rooms, sendRooms, localAddress, storm, conn, ledgers: Map(step → ReceiverLedger), top: Map(roomId → seq),
 *   openRoom: roomId | null (room:open, the product only), pullRooms: Set(roomId) (large rooms it does not have open),
 *   announced: Map(roomId → highest room:activity lastSeq), pulledThrough: Map(roomId → seq held without a gap, by room:sync) }
 */
let clients = [];
/** Rooms the product treats as large (hybrid fan-out); their traffic is counted on the wire for every target. */
let largeRooms = new Set();
/** step → WireCount of the large rooms */
const wire = new Map();
/** The step whose sends are the latest: a room:activity (it names no step) counts there. */
let currentStep = null;
let idle = [];
/** step → histogram of send→receive at every recipient */
const receiveHists = new Map();
const delivered = new Map();
/** step → when its last delivery arrived: delivered/s is over the time the deliveries took, not the sends. */
const lastDelivery = new Map();

function cpuMeter() {
  const c0 = process.cpuUsage();
  const t0 = now();
  return () => {
    const c = process.cpuUsage(c0);
    return { cpuPct: Math.round(((c.user + c.system) / 1000 / Math.max(1, now() - t0)) * 1000) / 10 };
  };
}

/** Runs `fn` over `items`, `n` at a time. */
async function pool(items, n, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function wireOf(step) {
  let w = wire.get(step);
  if (!w) wire.set(step, (w = new WireCount()));
  return w;
}

function ledger(c, step) {
  let l = c.ledgers.get(step);
  if (!l) c.ledgers.set(step, (l = new ReceiverLedger()));
  return l;
}

/** Messages the harness sent carry `step|sentAt|…`; anything else (another run's) is not counted. */
function parseContent(content) {
  const [step, sentAt] = String(content).split('|');
  const t = Number(sentAt);
  return step && Number.isFinite(t) ? { step, sentAt: t } : null;
}

function attach(c) {
  c.conn = makeClient(target, c, c.localAddress);
  c.conn.onMessage((m) => {
    const tag = parseContent(m.content);
    if (!tag) return;
    if (largeRooms.has(m.roomId)) {
      const w = wireOf(tag.step);
      w.live++;
      w.liveBytes += WireCount.frameBytes('message:new', m);
    }
    ledger(c, tag.step).onLive(m.roomId, m.seq);
    if (m.seq > (c.top.get(m.roomId) ?? 0)) c.top.set(m.roomId, m.seq);
    let h = receiveHists.get(tag.step);
    if (!h) receiveHists.set(tag.step, (h = newHistogram()));
    recordMs(h, now() - tag.sentAt);
    delivered.set(tag.step, (delivered.get(tag.step) ?? 0) + 1);
    lastDelivery.set(tag.step, now());
  });
  c.conn.onActivity((a) => {
    if (a.lastSeq > (c.announced.get(a.roomId) ?? 0)) c.announced.set(a.roomId, a.lastSeq);
    if (!currentStep) return;
    const w = wireOf(currentStep);
    w.activity++;
    w.activityBytes += WireCount.frameBytes('room:activity', a);
  });
}

/** Connects, and opens the client's room as the web client does on each connection (room:open, answered before it counts as connected). */
async function connectAndOpen(c, ms) {
  await c.conn.connect(ms);
  if (!c.openRoom) return;
  const r = await c.conn.emitAck('room:open', { roomId: c.openRoom }, ms ?? 30_000);
  if (!r.ok) throw new Error(`room:open refused: ${JSON.stringify(r.error)}`);
}

/**
 * Fetches a large room the client does not have open, by room:sync from where it holds it
 * without a gap, page after page: what the web client does when it opens the room. The
 * messages land in their steps' ledgers; the answer's bytes count against `countIn`.
 * Returns false when a page was refused or timed out (asked again at the next audit).
 */
async function pullRoom(c, roomId, countIn) {
  for (let after = c.pulledThrough.get(roomId) ?? 0; ;) {
    const r = await c.conn.emitAck('room:sync', { roomId, afterSeq: after, limit: 200 }, 30_000);
    if (!r.ok) return false;
    if (countIn) {
      countIn.syncs++;
      countIn.pulled += r.messages.length;
      countIn.pulledBytes += WireCount.frameBytes('room:sync', r);
    }
    const byStep = new Map();
    for (const m of r.messages) {
      // Asked for after `after`: anything at or below it again is the server sending it twice.
      if (m.seq <= after) ledger(c, parseContent(m.content)?.step ?? 'unknown').duplicated++;
      const tag = parseContent(m.content);
      if (tag) byStep.set(tag.step, [...(byStep.get(tag.step) ?? []), m.seq]);
    }
    for (const [s, seqs] of byStep) ledger(c, s).onSynced(roomId, seqs);
    const last = Math.max(after, ...r.messages.map((m) => m.seq), ...(r.updates ?? []).map((u) => u.seq));
    c.pulledThrough.set(roomId, last);
    if (last > (c.top.get(roomId) ?? 0)) c.top.set(roomId, last);
    if (!r.hasMore || last === after) return true;
    after = last;
  }
}

/**
 * Connects every client, `concurrency` at a time. A handshake the server refused for now
 * (UNAVAILABLE, OVERLOADED, RATE_LIMITED: it says "try again") or that timed out is tried
 * again after a jittered backoff, up to CONNECT_ATTEMPTS times, as socket.io-client's own
 * reconnection would; the retries are counted and reported. Anything else fails at once.
 */
const CONNECT_ATTEMPTS = 4;
const RETRY_CONNECT = /UNAVAILABLE|OVERLOADED|RATE_LIMITED|timeout|not connected within/i;
async function connectAll(list, concurrency) {
  let failed = 0;
  let retried = 0;
  const errors = new Map();
  await pool(list, concurrency, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await connectAndOpen(c);
        return;
      } catch (e) {
        const why = e.data?.code ?? e.message;
        if (attempt < CONNECT_ATTEMPTS && RETRY_CONNECT.test(`${why} ${e.message}`)) {
          retried++;
          await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1) * (0.5 + Math.random())));
          continue;
        }
        failed++;
        errors.set(why, (errors.get(why) ?? 0) + 1);
        return;
      }
    }
  });
  return { failed, retried, errors: Object.fromEntries([...errors].slice(0, 5)) };
}

async function init(msg) {
  target = msg.target;
  index = msg.index;
  largeRooms = new Set(msg.largeRoomIds ?? []);
  clients = msg.clients.map((c) => ({
    ...c,
    openRoom: c.openRoom ?? null,
    pullRooms: new Set(c.pullRooms ?? []),
    ledgers: new Map(),
    top: new Map(),
    announced: new Map(),
    pulledThrough: new Map(),
  }));
  const cpu = cpuMeter();
  const t0 = now();
  for (const c of clients) attach(c);
  const r = await connectAll(clients, 50);
  return { connected: clients.length - r.failed, ...r, ms: now() - t0, ...cpu() };
}

/** Open loop: sends fall due at `rate` per second whatever the server's answers, as people's do. */
async function send({ step, ratePerSec, durationMs, who, ackTimeoutMs, seed }) {
  currentStep = step;
  const rand = seededRandom(seed + index * 7919);
  const from = clients.filter((c) => c.sendRooms.length > 0 && (who === 'all' || (who === 'calm' && !c.storm)));
  const cpu = cpuMeter();
  const ackHist = newHistogram();
  const acked = {};
  const failures = {};
  const inflight = [];
  let offered = 0;
  let answeredWithin1s = 0;
  const t0 = now();
  const sendOne = async () => {
    const c = from[Math.floor(rand() * from.length)];
    const roomId = c.sendRooms[Math.floor(rand() * c.sendRooms.length)];
    const i = offered++;
    const sentAt = now();
    const payload = { roomId, clientMsgId: `b${index}-${step}-${i}`, content: `${step}|${sentAt.toFixed(3)}|bench message ${i}` };
    const r = await c.conn.emitAck('message:send', payload, ackTimeoutMs);
    const took = now() - sentAt;
    const code = r.ok ? null : (r.error?.code ?? 'UNKNOWN');
    if (code !== 'TIMEOUT' && code !== 'DISCONNECTED' && took <= 1000) answeredWithin1s++;
    if (r.ok) {
      recordMs(ackHist, took);
      (acked[roomId] ??= []).push(r.message.seq);
    } else failures[code] = (failures[code] ?? 0) + 1;
  };
  if (from.length > 0 && ratePerSec > 0) {
    while (now() - t0 < durationMs) {
      const due = Math.floor(((now() - t0) / 1000) * ratePerSec);
      while (offered < due) inflight.push(sendOne());
      await sleep(5);
    }
  }
  const sendMs = now() - t0;
  await Promise.all(inflight);
  const okCount = Object.values(acked).reduce((n, l) => n + l.length, 0);
  return { step, startedAt: t0, offered, okCount, sendMs, failures, acked, answeredWithin1s, ackHist: encodeHistogram(ackHist), ...cpu() };
}

/**
 * Checks this generator's online clients against every generator's acks of `step`; forgets
 * the step when told. First, each client catches up the large rooms it does not have open
 * where a room:activity told of more than it holds (as if it opened them now): those
 * messages were never pushed to it, and only count as received if the activity told of them.
 */
async function audit({ step, acked, forget }) {
  const ackedByRoom = new Map(Object.entries(acked));
  const online = clients.filter((c) => c.conn.connected);
  const pulls = online.flatMap((c) =>
    [...c.pullRooms].filter((roomId) => (c.announced.get(roomId) ?? 0) > (c.pulledThrough.get(roomId) ?? 0)).map((roomId) => [c, roomId]),
  );
  await pool(pulls, 50, ([c, roomId]) => pullRoom(c, roomId, wireOf(step)));
  const receivers = online.map((c) => ({
    id: c.id,
    rooms: c.rooms,
    pullRooms: c.pullRooms,
    announced: c.announced,
    ledger: c.ledgers.get(step) ?? new ReceiverLedger(),
  }));
  const result = auditDeliveries(ackedByRoom, receivers);
  // What pushing every large-room message to every online member would have cost: Σ messages × members.
  let largeMessages = 0;
  let largeMemberDeliveries = 0;
  for (const roomId of largeRooms) largeMessages += ackedByRoom.get(roomId)?.length ?? 0;
  for (const c of online)
    for (const roomId of c.rooms) if (largeRooms.has(roomId)) largeMemberDeliveries += ackedByRoom.get(roomId)?.length ?? 0;
  const h = receiveHists.get(step) ?? newHistogram();
  const out = {
    step,
    ...result,
    offline: clients.length - receivers.length,
    delivered: delivered.get(step) ?? 0,
    lastDeliveryAt: lastDelivery.get(step) ?? null,
    receiveHist: encodeHistogram(h),
    large: { wire: { ...(wire.get(step) ?? new WireCount()) }, messages: largeMessages, memberDeliveries: largeMemberDeliveries },
  };
  if (forget) {
    for (const c of clients) c.ledgers.delete(step);
    receiveHists.delete(step);
    delivered.delete(step);
    lastDelivery.delete(step);
    wire.delete(step);
  }
  return out;
}

/**
 * The reconnect storm: every storm client's connection dropped at once; each comes back after
 * a random wait, retrying with jittered exponential backoff, and catches up on each of its
 * rooms by room:sync from the highest seq it holds. Reports drop → caught up per client.
 */
async function storm({ jitterMaxMs, deadlineMs, seed }) {
  const rand = seededRandom(seed + index * 104729);
  const list = clients.filter((c) => c.storm);
  const cpu = cpuMeter();
  const caughtUp = newHistogram();
  let failed = 0;
  let synced = 0;
  let attempts = 0;
  let syncRetries = 0;
  const t0 = now();
  // Where each client's catch-up starts is what it held when the connection dropped: live
  // messages on the new connection can arrive before its room:sync answers, and starting
  // after those would skip the ones in between.
  const heldAtDrop = new Map();
  // A large room it does not have open holds no gap only up to what it pulled (its own messages come live, past any gap).
  for (const c of list) {
    c.conn.drop();
    heldAtDrop.set(c, new Map(c.rooms.map((r) => [r, (c.pullRooms.has(r) ? c.pulledThrough.get(r) : c.top.get(r)) ?? 0])));
  }
  await Promise.all(
    list.map(async (c) => {
      await sleep(rand() * jitterMaxMs);
      for (let k = 0; ; k++) {
        if (now() - t0 > deadlineMs) return void failed++;
        attempts++;
        attach(c);
        try {
          // As the web client: the room on screen is opened again before the catch-up.
          await connectAndOpen(c, 10_000);
          break;
        } catch {
          c.conn.close();
          await sleep(Math.min(5000, 100 * 2 ** k) * (0.5 + rand()));
        }
      }
      for (const roomId of c.rooms) {
        for (let after = heldAtDrop.get(c).get(roomId); ;) {
          const r = await c.conn.emitAck('room:sync', { roomId, afterSeq: after, limit: 200 }, 30_000);
          if (!r.ok) {
            // A slow answer or a refusal is asked again, as the web client does, until the deadline.
            if (now() - t0 > deadlineMs || !c.conn.connected) return void failed++;
            syncRetries++;
            await sleep(500 + rand() * 1000);
            continue;
          }
          const byStep = new Map();
          for (const m of r.messages) {
            const tag = parseContent(m.content);
            if (!tag) continue;
            byStep.set(tag.step, [...(byStep.get(tag.step) ?? []), m.seq]);
          }
          for (const [s, seqs] of byStep) ledger(c, s).onSynced(roomId, seqs);
          synced += r.messages.length;
          const last = Math.max(after, ...r.messages.map((m) => m.seq));
          if (last > (c.top.get(roomId) ?? 0)) c.top.set(roomId, last);
          if (c.pullRooms.has(roomId)) {
            // The reconnect's catch-up (the room list and room:sync) told it the room's state, as an activity would.
            c.pulledThrough.set(roomId, Math.max(c.pulledThrough.get(roomId) ?? 0, last));
            if (last > (c.announced.get(roomId) ?? 0)) c.announced.set(roomId, last);
          }
          if (!r.hasMore || last === after) break;
          after = last;
        }
      }
      recordMs(caughtUp, now() - t0);
    }),
  );
  return { clients: list.length, failed, attempts, syncRetries, synced, caughtUpHist: encodeHistogram(caughtUp), ms: now() - t0, ...cpu() };
}

/** Idle authenticated connections: `count` more sockets, on the tokens of this generator's clients in turn. */
async function openIdle({ count }) {
  const cpu = cpuMeter();
  const t0 = now();
  idle = Array.from({ length: count }, (_, i) => {
    const c = clients[i % clients.length];
    const who = { token: c.token, rooms: c.rooms, url: c.url, localAddress: c.localAddress };
    return { conn: makeClient(target, who, c.localAddress) };
  });
  const r = await connectAll(idle, 100);
  return { opened: count - r.failed, ...r, ms: now() - t0, ...cpu() };
}

async function closeIdle() {
  for (const c of idle) c.conn.close();
  idle = [];
  await sleep(200);
  return {};
}

const handlers = { init, send, audit, storm, openIdle, closeIdle };
process.on('message', async (msg) => {
  try {
    const out = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, out });
  } catch (e) {
    process.send({ id: msg.id, ok: false, error: e instanceof Error ? e.stack : String(e) });
  }
});
process.on('disconnect', () => process.exit(0));
