// The harness's own accounting, kept free of sockets so a spec can feed it made-up events:
// what each receiver saw (live or by room:sync), the audit of that against what the server
// acked, latency histograms and the ratios of one target's figures to another's.
import { Buffer } from 'node:buffer';
import * as hdr from 'hdr-histogram-js';

/**
 * What one connected client saw of its rooms during one step. A message counts as received
 * once whether it came live (`message:new`) or in a `room:sync` answer (the web client merges
 * both by seq); only the same seq arriving live twice is a duplicate, and a live seq below the
 * last live seq of that room is out of order.
 */
export class ReceiverLedger {
  constructor() {
    /** roomId → Map(seq → times received live) */
    this.live = new Map();
    /** roomId → Set(seq) received by room:sync */
    this.synced = new Map();
    /** roomId → highest seq received live so far */
    this.lastLive = new Map();
    this.duplicated = 0;
    this.outOfOrder = 0;
  }

  onLive(roomId, seq) {
    let seen = this.live.get(roomId);
    if (!seen) this.live.set(roomId, (seen = new Map()));
    const times = seen.get(seq) ?? 0;
    seen.set(seq, times + 1);
    if (times > 0) this.duplicated++;
    const last = this.lastLive.get(roomId) ?? 0;
    if (seq < last && times === 0) this.outOfOrder++;
    if (seq > last) this.lastLive.set(roomId, seq);
  }

  onSynced(roomId, seqs) {
    let set = this.synced.get(roomId);
    if (!set) this.synced.set(roomId, (set = new Set()));
    for (const s of seqs) set.add(s);
  }

  has(roomId, seq) {
    return (this.live.get(roomId)?.has(seq) ?? false) || (this.synced.get(roomId)?.has(seq) ?? false);
  }

  /** Highest seq this client holds of a room, live or synced: where its room:sync starts after a reconnect. */
  highest(roomId) {
    let top = this.lastLive.get(roomId) ?? 0;
    for (const s of this.synced.get(roomId) ?? []) if (s > top) top = s;
    return top;
  }
}

/**
 * Every acked message must be held by every online member of its room exactly once.
 * `ackedByRoom`: roomId → seqs the server acked in the step. `receivers`: [{ rooms, ledger,
 * pullRooms?, announced? }] (the online members, each with the rooms it is in). Returns
 * expected deliveries, the received ones, lost (acked, not held by a member), duplicated
 * and out of order.
 *
 * Hybrid fan-out: in a large room the member does not have open (`pullRooms`), a message
 * is not pushed; the member is told `room:activity { lastSeq }` and fetches by room:sync.
 * Such a message counts as received (and `pulled`) only if the member holds it AND a
 * room:activity announced it (`announced`: roomId → highest lastSeq told): held without
 * being announced is `unannounced`, counted lost, since a real client would never have
 * fetched it. Messages of its own come live, as in any room.
 */
export function auditDeliveries(ackedByRoom, receivers) {
  let expected = 0;
  let received = 0;
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let pulled = 0;
  let unannounced = 0;
  const lostSamples = [];
  for (const r of receivers) {
    duplicated += r.ledger.duplicated;
    outOfOrder += r.ledger.outOfOrder;
    for (const roomId of r.rooms) {
      const pull = r.pullRooms?.has(roomId) ?? false;
      const announced = pull ? (r.announced?.get(roomId) ?? 0) : 0;
      for (const seq of ackedByRoom.get(roomId) ?? []) {
        expected++;
        const held = r.ledger.has(roomId, seq);
        const live = r.ledger.live.get(roomId)?.has(seq) ?? false;
        if (held && (!pull || live || announced >= seq)) {
          received++;
          if (pull && !live) pulled++;
        } else {
          lost++;
          if (held) unannounced++;
          if (lostSamples.length < 5) lostSamples.push({ client: r.id, roomId, seq, ...(held ? { unannounced: true } : {}) });
        }
      }
    }
  }
  return { expected, received, lost, duplicated, outOfOrder, pulled, unannounced, lostSamples };
}

/**
 * What a step's large rooms cost on the wire, summed over the receivers: live pushes
 * (`message:new`), `room:activity` and the room:sync catch-up after it, each as deliveries
 * and bytes (a Socket.IO text frame: `42` and the JSON array of event and payload).
 */
export class WireCount {
  constructor() {
    this.live = 0;
    this.liveBytes = 0;
    this.activity = 0;
    this.activityBytes = 0;
    this.pulled = 0;
    this.pulledBytes = 0;
    this.syncs = 0;
  }

  static frameBytes(event, payload) {
    return 2 + Buffer.byteLength(JSON.stringify([event, payload]));
  }

  add(other) {
    for (const k of Object.keys(this)) this[k] += other[k] ?? 0;
    return this;
  }
}

/**
 * A step's large-room figures per message acked in those rooms: what was sent to members'
 * sockets (pushes and room:activity), against pushing every message to every online member
 * (what a push-only server sends: the baselines). `onlineMembers`: online members summed
 * over the large rooms, weighted by the room's messages (Σ messages × online members).
 */
export function largeRoomCost(wire, messages, memberDeliveries) {
  if (!messages) return null;
  const perMessageBytes = wire.live ? wire.liveBytes / wire.live : null;
  const sent = wire.live + wire.activity;
  const sentBytes = wire.liveBytes + wire.activityBytes;
  const pushAllBytes = perMessageBytes === null ? null : perMessageBytes * memberDeliveries;
  return {
    messages,
    emitsPerMessage: Math.round((sent / messages) * 100) / 100,
    bytesPerMessage: Math.round(sentBytes / messages),
    pushAllEmitsPerMessage: Math.round((memberDeliveries / messages) * 100) / 100,
    pushAllBytesPerMessage: pushAllBytes === null ? null : Math.round(pushAllBytes / messages),
    /** Share of the push-to-all bytes not sent (the room:sync catch-up is counted apart). */
    bytesSaved: pushAllBytes ? Math.round((1 - sentBytes / pushAllBytes) * 1000) / 1000 : null,
    pulledPerMessage: Math.round((wire.pulled / messages) * 100) / 100,
    pulledBytesPerMessage: Math.round(wire.pulledBytes / messages),
    wire: { ...wire },
  };
}

/** Acked seqs of a room given twice: the server handed one seq to two sends. */
export function seqsAckedTwice(ackedByRoom) {
  let n = 0;
  for (const seqs of ackedByRoom.values()) {
    const sorted = [...seqs].sort((a, b) => a - b);
    for (let i = 1; i < sorted.length; i++) if (sorted[i] === sorted[i - 1]) n++;
  }
  return n;
}

/** Adds `more` (roomId → seqs) into `into`, as each generator's acks reach the parent. */
export function mergeAcked(into, more) {
  for (const [roomId, seqs] of Object.entries(more)) {
    const list = into.get(roomId);
    if (list) list.push(...seqs);
    else into.set(roomId, [...seqs]);
  }
  return into;
}

// Latencies are recorded in microseconds: a loopback ack takes well under a millisecond, and
// an overloaded server's takes tens of seconds; three significant digits hold both.
const HIGHEST_US = 600_000_000;

export function newHistogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: HIGHEST_US, numberOfSignificantValueDigits: 3, bitBucketSize: 64 });
}

export function recordMs(h, ms) {
  h.recordValue(Math.max(1, Math.min(HIGHEST_US, Math.round(ms * 1000))));
}

/** A histogram as text, to cross from a generator process to the parent. */
export const encodeHistogram = (h) => hdr.encodeIntoCompressedBase64(h);

export function mergeEncoded(into, encoded) {
  if (encoded) into.add(hdr.decodeFromCompressedBase64(encoded, 64, false));
  return into;
}

/** p50/p95/p99/max in ms (null where nothing was recorded). */
export function percentiles(h) {
  if (h.totalCount === 0) return { count: 0, p50: null, p95: null, p99: null, max: null };
  const ms = (us) => Math.round(us) / 1000;
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    max: ms(h.maxValue),
  };
}

/** `a / b`, two decimals; null when either is missing or b is 0 (no ratio to show). */
export function ratio(a, b) {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null;
  return Math.round((a / b) * 100) / 100;
}

/** A small seeded generator (mulberry32): the same seed gives the same workload. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Memory per connection from the growth while they were held, or null when there was no
 * growth: with a few hundred connections a garbage collection in between can shrink the
 * process, and a negative cost per connection would be read as a saving.
 */
export function perConnectionKiB(grownKiB, connections) {
  if (!connections || grownKiB <= 0) return null;
  return Math.round((grownKiB / connections) * 10) / 10;
}
