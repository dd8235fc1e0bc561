// Load clients and the audit of the fault suite (scripts/faults.mjs): people who keep sending
// while something breaks, the way the product's clients do, and the count afterwards of what
// the server acked against what it kept.
//
// A sender is one person with one socket. It sends numbered messages one at a time and, when
// an ack does not come (a timeout, a refusal, a dropped connection), sends the same message
// again with the same clientMsgId until it is acked: the product's idempotent send. So when
// the load stops, every message a sender started is acked, and the room must hold exactly
// the acked ones, once each, at seqs 1..N.
import { io } from 'socket.io-client';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** A socket that reconnects by itself (socket.io's own reconnection, quick for a test). */
export function openSocket(base, token, { reconnection = true } = {}) {
  return io(base, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection,
    reconnectionDelay: 100,
    reconnectionDelayMax: 1000,
    timeout: 5000,
  });
}

/** Resolves when `socket` is connected; rejects after `ms` or on a connect_error when it will not retry. */
export function connected(socket, ms = 15_000) {
  if (socket.connected) return Promise.resolve(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`not connected within ${ms} ms`)), ms);
    const onConnect = () => done(null);
    const onError = (e) => {
      if (!socket.io.opts.reconnection) done(e);
    };
    function done(err) {
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('connect_error', onError);
      if (err) reject(err);
      else resolve(socket);
    }
    socket.on('connect', onConnect);
    socket.on('connect_error', onError);
  });
}

/** Emits `event` with an ack; resolves `{ ok, … }`, or `{ ok: false, error: { code: 'TIMEOUT' } }` when no ack came in `ms`. */
export async function ask(socket, event, payload, ms = 3000) {
  try {
    return await socket.timeout(ms).emitWithAck(event, payload);
  } catch {
    return { ok: false, error: { code: 'TIMEOUT', message: `no ack within ${ms} ms` } };
  }
}

/** Every message and change of a room after `afterSeq`, by room:sync page after page. */
export async function syncRoom(socket, roomId, { afterSeq = 0, ms = 10_000 } = {}) {
  const messages = [];
  const updates = [];
  for (let after = afterSeq; ;) {
    const r = await ask(socket, 'room:sync', { roomId, afterSeq: after, limit: 200 }, ms);
    if (!r.ok) throw new Error(`room:sync of ${roomId} after ${after}: ${JSON.stringify(r.error)}`);
    messages.push(...r.messages);
    updates.push(...(r.updates ?? []));
    const last = Math.max(after, ...r.messages.map((m) => m.seq), ...(r.updates ?? []).map((u) => u.seq));
    if (!r.hasMore || last === after) return { messages, updates };
    after = last;
  }
}

/**
 * One person sending into one room. `stats` is what the audit counts: acked (clientMsgId →
 * the acked message), every refusal by its code (TIMEOUT when no ack came), attempts and resends.
 * It waits for an ack as long as the web client does (ACK_TIMEOUT_MS, 10 s), so a refusal the
 * server sends within that time (UNAVAILABLE after the database's query bound) is counted as
 * the person would see it, not as a timeout.
 */
export class Sender {
  constructor({ name, base, token, userId, roomId, ackTimeoutMs = 10_000, socket = null }) {
    Object.assign(this, { name, base, token, userId, roomId, ackTimeoutMs });
    this.socket = socket ?? openSocket(base, token);
    this.acked = new Map();
    this.refusals = new Map();
    this.attempts = 0;
    this.resends = 0;
    this.reconnects = 0;
    /** clientMsgIds acked only after a resend: the first try's fate was unknown to the sender. */
    this.ackedAfterResend = [];
    this.unfinished = null;
    /** The number in the next clientMsgId: a later run goes on from where the last one stopped. */
    this.next = 0;
    this.socket.io.on('reconnect', () => this.reconnects++);
  }

  /**
   * Sends `${name}-0`, `${name}-1`, … until `stop(sender)` says so, each until it is acked. Gives up
   * only at `deadline` (epoch ms), leaving the message it was on in `unfinished`.
   */
  async run({ stop, deadline, content = (i) => `${this.name} #${i}` }) {
    for (; !stop(this); this.next++) {
      const i = this.next;
      const clientMsgId = `${this.name}-${i}`;
      const payload = { roomId: this.roomId, clientMsgId, content: content(i) };
      for (let attempt = 0; ; attempt++) {
        if (Date.now() > deadline) {
          this.unfinished = clientMsgId;
          return;
        }
        if (!this.socket.connected) {
          // While the server is away socket.io reconnects on its own; a send waits for it
          // rather than sitting in socket.io's buffer, so each attempt is one real emit.
          await connected(this.socket, Math.max(1, deadline - Date.now())).catch(() => undefined);
          continue;
        }
        this.attempts++;
        if (attempt > 0) this.resends++;
        const r = await ask(this.socket, 'message:send', payload, this.ackTimeoutMs);
        if (r.ok) {
          this.acked.set(clientMsgId, { id: r.message.id, seq: r.message.seq, createdAt: Date.parse(r.message.createdAt) });
          if (attempt > 0) this.ackedAfterResend.push(clientMsgId);
          break;
        }
        const code = r.error?.code ?? 'UNKNOWN';
        this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
        if (!RETRYABLE.has(code)) throw new Error(`${this.name}: ${clientMsgId} refused with ${code}: ${r.error?.message}`);
        await sleep(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)));
      }
    }
  }

  close() {
    this.socket.close();
  }
}

/** Refusals a client answers by sending the same message again later (the web client's outbox does the same). */
export const RETRYABLE = new Set(['TIMEOUT', 'UNAVAILABLE', 'OVERLOADED', 'RATE_LIMITED', 'INTERNAL']);

/** Runs `senders` until `stop()`; resolves when every one has finished the message it was on. */
export function runAll(senders, { stop, deadlineMs }) {
  const deadline = Date.now() + deadlineMs;
  return Promise.all(senders.map((s) => s.run({ stop, deadline })));
}

export const totalAcked = (senders) => senders.reduce((n, s) => n + s.acked.size, 0);

/**
 * The count after a fault: for each room, its whole stream by room:sync (through `reader`,
 * a connected socket of a member of every room asked about, or one per room), then per
 * sender acked, found (the acked message is there with its id and seq), lost (acked, not
 * there) and duplicated (its clientMsgId stored twice); per room a seq shown twice, a gap,
 * and stored messages nobody was acked for (a sender that gave up mid-message).
 */
export async function audit(senders, readers) {
  const byRoom = new Map();
  for (const s of senders) byRoom.set(s.roomId, [...(byRoom.get(s.roomId) ?? []), s]);
  const rooms = [];
  const clients = [];
  for (const [roomId, members] of byRoom) {
    const { messages } = await syncRoom(readers.get(roomId), roomId);
    const seqs = messages.map((m) => m.seq).sort((a, b) => a - b);
    const seqsTwice = seqs.filter((q, i) => i > 0 && seqs[i - 1] === q).length;
    const gapFree = seqs.every((q, i) => q === i + 1);
    const stored = new Map();
    for (const m of messages) {
      const key = `${m.senderId}/${m.clientMsgId}`;
      stored.set(key, [...(stored.get(key) ?? []), m]);
    }
    const ackedKeys = new Set();
    for (const s of members) {
      let found = 0;
      let lost = 0;
      let duplicated = 0;
      for (const [clientMsgId, acked] of s.acked) {
        const key = `${s.userId}/${clientMsgId}`;
        ackedKeys.add(key);
        const copies = stored.get(key) ?? [];
        if (copies.length > 1) duplicated += copies.length - 1;
        if (copies.some((m) => m.id === acked.id && m.seq === acked.seq)) found++;
        else lost++;
      }
      clients.push({ name: s.name, roomId, acked: s.acked.size, found, lost, duplicated, sender: s });
    }
    const unacked = [...stored.keys()].filter((k) => !ackedKeys.has(k)).length;
    rooms.push({ roomId, stored: messages.length, seqsTwice, gapFree, lastSeq: seqs.at(-1) ?? 0, unacked });
  }
  const sum = (list, k) => list.reduce((n, x) => n + x[k], 0);
  const totals = {
    acked: sum(clients, 'acked'),
    found: sum(clients, 'found'),
    lost: sum(clients, 'lost'),
    duplicated: sum(clients, 'duplicated') + sum(rooms, 'seqsTwice'),
  };
  return { rooms, clients, totals };
}

/** Refusals of all senders by code, as `UNAVAILABLE×3, TIMEOUT×2` (or `none`). */
export function refusalSummary(senders) {
  const all = new Map();
  for (const s of senders) for (const [code, n] of s.refusals) all.set(code, (all.get(code) ?? 0) + n);
  return all.size ? [...all].map(([code, n]) => `${code}×${n}`).join(', ') : 'none';
}

/** Prints the audit (a line per client when there are few) and returns what is wrong with it, if anything. */
export function report(result, say, { perClient = result.clients.length <= 32 } = {}) {
  const problems = [];
  for (const c of result.clients) {
    const s = c.sender;
    const codes = [...s.refusals].map(([code, n]) => `${code}×${n}`).join(', ') || 'none';
    if (perClient)
      say(
        `  ${c.name}: ${c.acked} acked, ${c.found} found, ${c.lost} lost, ${c.duplicated} duplicated` +
          ` (${s.resends} resent, ${s.reconnects} reconnects, refusals: ${codes})`,
      );
    if (c.lost) problems.push(`${c.name}: ${c.lost} acked message(s) not found`);
    if (c.duplicated) problems.push(`${c.name}: ${c.duplicated} message(s) stored twice`);
    if (s.unfinished) problems.push(`${c.name}: ${s.unfinished} was never acked (the server did not recover in time)`);
  }
  for (const r of result.rooms) {
    say(`  room …${r.roomId.slice(-6)}: ${r.stored} stored, seqs 1..${r.lastSeq}${r.gapFree ? ' with no gap' : ' WITH A GAP'}`);
    if (!r.gapFree) problems.push(`room ${r.roomId}: seqs are not 1..${r.stored} (a gap or a repeat)`);
    if (r.seqsTwice) problems.push(`room ${r.roomId}: ${r.seqsTwice} seq(s) shown twice`);
    if (r.unacked) problems.push(`room ${r.roomId}: ${r.unacked} stored message(s) were never acked to anyone`);
  }
  const t = result.totals;
  say(`  total: ${t.acked} acked, ${t.found} found, ${t.lost} lost, ${t.duplicated} duplicated`);
  return problems;
}

/**
 * Of the messages acked only after a resend, how many the server had already stored before
 * `at` (epoch ms): resends the idempotent send answered with the original, not a copy.
 */
export function replayedOriginals(senders, at) {
  let resent = 0;
  let original = 0;
  for (const s of senders)
    for (const cid of s.ackedAfterResend) {
      resent++;
      if (s.acked.get(cid).createdAt < at) original++;
    }
  return { resent, original };
}

// The poller runs in a process of its own: timed from the suite's process, which is busy with
// thousands of sockets of its own, a slow answer could be the suite's lag, not the server's.
const HEALTH_POLLER = `
import { get } from 'node:http';
const [url, everyMs, timeoutMs] = process.argv.slice(1);
for (;;) {
  const t = Date.now();
  const r = await new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: Number(timeoutMs) }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
      res.on('error', (e) => resolve({ status: 0, why: e.code ?? e.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'no answer in ' + timeoutMs + ' ms' })));
    req.on('error', (e) => resolve({ status: 0, why: e.code ?? e.message }));
  });
  process.stdout.write(JSON.stringify({ ...r, ms: Date.now() - t }) + '\\n');
  await new Promise((res) => setTimeout(res, Number(everyMs)));
}
`;

/**
 * GET /health every `everyMs` from a separate process, each probe on a connection of its own
 * (as a load balancer's probe); `stop()` resolves to every probe's { status, ms, why? }.
 */
export function pollHealthApart(base, { everyMs = 250, timeoutMs = 10_000 } = {}) {
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', HEALTH_POLLER, `${base}/api/v1/health`, String(everyMs), String(timeoutMs)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return out
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
}
