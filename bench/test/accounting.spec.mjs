// The harness's own accounting, fed made-up events: a detector that never fires would let the
// bench report 0 lost and 0 duplicated whatever the server did.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  auditDeliveries,
  largeRoomCost,
  WireCount,
  encodeHistogram,
  mergeAcked,
  mergeEncoded,
  newHistogram,
  percentiles,
  perConnectionKiB,
  ratio,
  ReceiverLedger,
  recordMs,
  seededRandom,
  seqsAckedTwice,
} from '../src/accounting.mjs';
import { ratios } from '../src/report.mjs';
import { largeRoomThreshold, SIZES, topology } from '../src/workload.mjs';

const acked = (obj) => new Map(Object.entries(obj));
const receiver = (id, rooms, events) => {
  const ledger = new ReceiverLedger();
  for (const [kind, roomId, seqs] of events) {
    if (kind === 'live') for (const s of seqs) ledger.onLive(roomId, s);
    else ledger.onSynced(roomId, seqs);
  }
  return { id, rooms, ledger };
};

test('every acked message held once by every member, in order: nothing reported', () => {
  const r = auditDeliveries(acked({ A: [1, 2, 3], B: [1] }), [
    receiver(
      'x',
      ['A', 'B'],
      [
        ['live', 'A', [1, 2, 3]],
        ['live', 'B', [1]],
      ],
    ),
    receiver('y', ['A'], [['live', 'A', [1, 2, 3]]]),
  ]);
  assert.deepEqual(
    { ...r, lostSamples: undefined },
    { expected: 7, received: 7, lost: 0, duplicated: 0, outOfOrder: 0, pulled: 0, unannounced: 0, lostSamples: undefined },
  );
});

test('a message one member never got is lost, and named', () => {
  const r = auditDeliveries(acked({ A: [1, 2, 3] }), [
    receiver('x', ['A'], [['live', 'A', [1, 2, 3]]]),
    receiver('y', ['A'], [['live', 'A', [1, 3]]]),
  ]);
  assert.equal(r.lost, 1);
  assert.equal(r.received, 5);
  assert.deepEqual(r.lostSamples, [{ client: 'y', roomId: 'A', seq: 2 }]);
});

test('a member in a room with acked messages but no events at all loses them all', () => {
  const r = auditDeliveries(acked({ A: [1, 2] }), [receiver('x', ['A'], [])]);
  assert.equal(r.lost, 2);
});

test('the same seq arriving live twice is a duplicate', () => {
  const r = auditDeliveries(acked({ A: [1, 2] }), [receiver('x', ['A'], [['live', 'A', [1, 2, 2]]])]);
  assert.equal(r.duplicated, 1);
  assert.equal(r.lost, 0);
});

test('a live seq below one already seen is out of order', () => {
  const r = auditDeliveries(acked({ A: [1, 2, 3] }), [receiver('x', ['A'], [['live', 'A', [1, 3, 2]]])]);
  assert.equal(r.outOfOrder, 1);
  assert.equal(r.duplicated, 0);
  assert.equal(r.lost, 0);
});

test('order is per room: interleaved rooms are not out of order', () => {
  const l = new ReceiverLedger();
  l.onLive('A', 5);
  l.onLive('B', 1);
  l.onLive('A', 6);
  l.onLive('B', 2);
  assert.equal(l.outOfOrder, 0);
});

test('a gap filled by room:sync after a reconnect is received, not lost and not duplicated', () => {
  const r = auditDeliveries(acked({ A: [1, 2, 3, 4] }), [
    receiver(
      'x',
      ['A'],
      [
        ['live', 'A', [1]],
        ['sync', 'A', [2, 3]],
        ['live', 'A', [3, 4]],
      ],
    ),
  ]);
  assert.deepEqual([r.lost, r.duplicated, r.outOfOrder], [0, 0, 0]);
  const l = new ReceiverLedger();
  l.onLive('A', 1);
  l.onSynced('A', [2, 3]);
  assert.equal(l.highest('A'), 3);
});

test('a seq the server acked to two sends is counted', () => {
  assert.equal(seqsAckedTwice(acked({ A: [1, 2, 2, 3], B: [1, 1] })), 2);
  assert.equal(seqsAckedTwice(acked({ A: [3, 1, 2] })), 0);
});

test("generators' acks merge per room", () => {
  const into = mergeAcked(new Map(), { A: [1, 2] });
  mergeAcked(into, { A: [3], B: [1] });
  assert.deepEqual(Object.fromEntries(into), { A: [1, 2, 3], B: [1] });
});

test('percentiles of 1..1000 ms, merged from two encoded halves as generators send them', () => {
  const a = newHistogram();
  const b = newHistogram();
  for (let ms = 1; ms <= 1000; ms++) recordMs(ms % 2 ? a : b, ms);
  const all = mergeEncoded(mergeEncoded(newHistogram(), encodeHistogram(a)), encodeHistogram(b));
  const p = percentiles(all);
  assert.equal(p.count, 1000);
  // three significant digits: within 0.1 % of the exact value
  for (const [got, want] of [
    [p.p50, 500],
    [p.p95, 950],
    [p.p99, 990],
    [p.max, 1000],
  ])
    assert.ok(Math.abs(got - want) <= want * 0.001 + 0.001, `${got} ≈ ${want}`);
  assert.deepEqual(percentiles(newHistogram()), { count: 0, p50: null, p95: null, p99: null, max: null });
});

test('sub-millisecond latencies keep their precision', () => {
  const h = newHistogram();
  recordMs(h, 0.25);
  assert.equal(percentiles(h).p50, 0.25);
});

test('ratio: two decimals, and none where a figure is missing or the divisor is 0', () => {
  assert.equal(ratio(1, 3), 0.33);
  assert.equal(ratio(450, 2000), 0.23);
  assert.equal(ratio(5, 0), null);
  assert.equal(ratio(null, 5), null);
  assert.equal(ratio(5, undefined), null);
});

test('ratios pair the product and each baseline at the same offered rate', () => {
  const step = (offeredPerSec, deliveredPerSec, p99) => ({
    offeredPerSec,
    deliveredPerSec,
    ack: { p50: 1, p99 },
    receive: { p50: 2, p99 },
    server: { cpuPct: 50, rssMiB: 100 },
  });
  const r = ratios({
    product: {
      steps: [step(100, 900, 40), step(200, 1000, 400)],
      saturationPerSec: 150,
      connections: { rssPerConnKiB: 43, openedPerSec: 290 },
    },
    socketio: {
      steps: [step(100, 900, 4), step(200, 1800, 8), step(400, 3600, 16)],
      saturationPerSec: 400,
      connections: { rssPerConnKiB: 16.5, openedPerSec: 500 },
    },
  });
  assert.deepEqual(Object.keys(r), ['socketio']);
  assert.deepEqual(
    r.socketio.steps.map((s) => [s.offeredPerSec, s.deliveredPerSec, s.receiveP99]),
    [
      [100, 1, 10],
      [200, 0.56, 50],
    ],
  );
  assert.equal(r.socketio.saturation, 0.38);
  assert.equal(r.socketio.rssPerConn, 2.61);
  assert.equal(r.socketio.openedPerSec, 0.58);
});

test('the seeded generator repeats itself for a seed and differs between seeds', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const c = seededRandom(8);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(
    xs,
    Array.from({ length: 5 }, () => b()),
  );
  assert.notDeepEqual(
    xs,
    Array.from({ length: 5 }, () => c()),
  );
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test('memory per connection: the growth shared out, and none when memory did not grow (never a negative cost)', () => {
  assert.equal(perConnectionKiB(5780, 100), 57.8);
  assert.equal(perConnectionKiB(-2000, 400), null, 'a garbage collection shrank the process while they were held');
  assert.equal(perConnectionKiB(0, 400), null);
  assert.equal(perConnectionKiB(1000, 0), null);
});

// Hybrid fan-out: a member without the large room open is not pushed its messages; it is
// told room:activity and fetches by room:sync. It must hold them, and have been told.
const puller = (id, rooms, events, announced) => ({
  ...receiver(id, rooms, events),
  pullRooms: new Set(['L']),
  announced: new Map([['L', announced]]),
});

test('a large room not open: messages fetched by room:sync after a room:activity that told of them are received (pulled), not lost', () => {
  const r = auditDeliveries(acked({ L: [1, 2, 3, 4] }), [
    puller('x', ['L'], [['synced', 'L', [1, 2, 3, 4]]], 4),
    receiver('open', ['L'], [['live', 'L', [1, 2, 3, 4]]]),
  ]);
  assert.equal(r.lost, 0);
  assert.equal(r.received, 8);
  assert.equal(r.pulled, 4);
});

test('a large room not open: what no room:activity announced is lost even if a sync happened to bring it; what was not fetched is lost', () => {
  const r = auditDeliveries(acked({ L: [1, 2, 3, 4] }), [
    puller('told-too-little', ['L'], [['synced', 'L', [1, 2, 3, 4]]], 3),
    puller('never-fetched', ['L'], [], 4),
  ]);
  assert.equal(r.lost, 5);
  assert.equal(r.unannounced, 1);
  assert.deepEqual(r.lostSamples[0], { client: 'told-too-little', roomId: 'L', seq: 4, unannounced: true });
});

test("a large room not open: the member's own messages come live and need no announcement", () => {
  const r = auditDeliveries(acked({ L: [1, 2] }), [
    puller(
      'author',
      ['L'],
      [
        ['live', 'L', [2]],
        ['synced', 'L', [1]],
      ],
      1,
    ),
  ]);
  assert.equal(r.lost, 0);
  assert.equal(r.pulled, 1);
});

test('large-room cost per message: emits and bytes sent against pushing to every online member', () => {
  const w = new WireCount();
  w.live = 20; // 10 messages, 2 sockets with the room open
  w.liveBytes = 20 * 300;
  w.activity = 30; // 3 per member without it open, 10 of them
  w.activityBytes = 30 * 60;
  w.pulled = 100;
  w.pulledBytes = 100 * 310;
  const c = largeRoomCost(w, 10, 10 * 12);
  assert.equal(c.emitsPerMessage, 5);
  assert.equal(c.bytesPerMessage, 780);
  assert.equal(c.pushAllEmitsPerMessage, 12);
  assert.equal(c.pushAllBytesPerMessage, 3600);
  assert.equal(c.bytesSaved, 0.783);
  assert.equal(c.pulledPerMessage, 10);
  assert.equal(largeRoomCost(w, 0, 0), null, 'no messages in the room: nothing to say');
  assert.equal(
    WireCount.frameBytes('room:activity', { roomId: 'r', lastSeq: 7 }),
    2 + '["room:activity",{"roomId":"r","lastSeq":7}]'.length,
  );
});

test('the workload has a large room above LARGE_ROOM_MEMBERS, channels and groups below it, and openers who have it open', () => {
  for (const size of [SIZES.quick, SIZES.full]) {
    const topo = topology(size, 42);
    const threshold = largeRoomThreshold(size);
    assert.equal(topo.threshold, threshold);
    const large = topo.rooms.filter((r) => r.large);
    assert.equal(large.length, size.largeRooms);
    assert.ok(large.every((r) => r.members.length >= threshold && r.key.startsWith('L')));
    assert.ok(topo.rooms.filter((r) => !r.large).every((r) => r.members.length < threshold));
    const openers = topo.openRoomOf.filter((i) => i !== null);
    assert.equal(openers.length, Math.round(size.largeRoomSize * size.largeRoomOpenShare));
    assert.ok(openers.every((i) => topo.rooms[i].large));
  }
  assert.equal(largeRoomThreshold(SIZES.full), 1000, "the product's default at full size");
});
