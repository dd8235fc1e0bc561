import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@qc/shared';
import type { LogRecord } from '../ports/message-log.port';
import { RecordingBroadcaster } from '../../test/support/recording-broadcaster';
import { startTestRedis } from '../../test/support/test-redis';
import { RedisEmitterBroadcaster } from '../adapters/redis/redis-emitter-broadcaster.adapter';
import { RedisFanoutWatermark } from '../adapters/redis/redis-fanout-watermark';
import { uuidv7 } from '../lib/uuidv7';
import { createFanoutHandler, fanoutRoute, HybridFanout, type FanoutWatermark } from './fanout.handler';

const ROOM = '0190aaaa-0000-7000-8000-000000000001';
const AUTHOR = '0190aaaa-0000-7000-8000-0000000000a1';

function message(seq: number, roomId = ROOM): Message {
  return {
    id: `0190aaaa-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    roomId,
    seq,
    senderId: AUTHOR,
    clientMsgId: `c${seq}`,
    content: `m${seq}`,
    contentType: 'text',
    replyTo: null,
    createdAt: new Date(0).toISOString(),
  };
}
const created = (seq: number, roomId = ROOM): LogRecord => ({ type: 'message.created', message: message(seq, roomId) });
const updated = (seq: number, of: number, roomId = ROOM): LogRecord => ({
  type: 'message.updated',
  update: { roomId, seq, message: message(of, roomId) },
});
/** The seq of each live emit (message:new or message:updated), in emit order. */
const liveSeqs = (b: RecordingBroadcaster) =>
  b.emits.flatMap((e) => (e.event === 'message:new' || e.event === 'message:updated' ? [(e.payload as { seq: number }).seq] : []));

test('the decision: below LARGE_ROOM_MEMBERS every member is pushed to; from it, the open room and the author', () => {
  assert.deepEqual(fanoutRoute(created(1), 999, 1000), { to: 'room' });
  assert.deepEqual(fanoutRoute(created(1), 1000, 1000), { to: 'open', alsoUserIds: [AUTHOR] });
  assert.deepEqual(fanoutRoute(updated(2, 1), 5000, 1000), { to: 'open', alsoUserIds: [AUTHOR] }, 'a change goes the same way');
});

function setup(members: number, activityEveryMs = 100) {
  const b = new RecordingBroadcaster();
  const sizes = { members: () => members, largeRoomMembers: 3 };
  const hybrid = new HybridFanout(b, sizes, activityEveryMs);
  const fanout = createFanoutHandler(b, undefined, undefined, hybrid);
  // A run of one: how a record comes when the room has nothing queued behind it.
  return { b, hybrid, fanout, handle: (record: LogRecord) => fanout.run([record]) };
}

test('in a large room, the people a message mentions get it live too; @channel goes to every member; an edit mentions whom its text names', () => {
  const BEA = '0190aaaa-0000-7000-8000-0000000000b2';
  const CAL = '0190aaaa-0000-7000-8000-0000000000c3';
  const mentioning: LogRecord = {
    type: 'message.created',
    message: { ...message(3), content: `ask <@${BEA}>`, mentions: { userIds: [BEA, CAL], everyone: false } },
  };
  assert.deepEqual(
    fanoutRoute(mentioning, 2000, 1000),
    { to: 'open', alsoUserIds: [AUTHOR, BEA, CAL] },
    'as the send worked them out (CAL: a thread participant)',
  );
  const everyone: LogRecord = {
    type: 'message.created',
    message: { ...message(4), content: '@channel', mentions: { userIds: [], everyone: true } },
  };
  assert.deepEqual(fanoutRoute(everyone, 2000, 1000), { to: 'room' });
  const edit: LogRecord = {
    type: 'message.updated',
    update: { roomId: ROOM, seq: 5, message: { ...message(3), content: `now <@${CAL}>` } },
  };
  assert.deepEqual(fanoutRoute(edit, 2000, 1000), { to: 'open', alsoUserIds: [AUTHOR, CAL] });
});

test('a small room is pushed to every member, as without hybrid fan-out; no room:activity', async () => {
  const { b, hybrid, handle } = setup(2);
  await handle(created(1));
  await handle(updated(2, 1));
  await sleep(150);
  assert.deepEqual(
    b.emits.map((e) => [e.event, e.to]),
    [
      ['message:new', { room: ROOM }],
      ['message:updated', { room: ROOM }],
    ],
  );
  hybrid.close();
});

test('a large room: live to the open room and the author; the rest one room:activity at once and the last seq at the gap end', async () => {
  const { b, hybrid, handle } = setup(4);
  for (let seq = 1; seq <= 20; seq++) await handle(seq % 5 === 0 ? updated(seq, 1) : created(seq));
  const live = b.emits.filter((e) => e.event !== 'room:activity');
  assert.equal(live.length, 20);
  assert.ok(live.every((e) => e.to.openRoom === ROOM && e.to.users?.[0] === AUTHOR && e.to.room === undefined));
  assert.deepEqual(live.filter((e) => e.event === 'message:updated').length, 4);
  assert.deepEqual(
    b.of('room:activity').map((e) => [e.to, e.payload]),
    [[{ notOpenRoom: ROOM }, { roomId: ROOM, lastSeq: 1 }]],
    'coalesced: one at once',
  );
  await sleep(200);
  assert.deepEqual(
    b.of('room:activity').map((e) => e.payload),
    [
      { roomId: ROOM, lastSeq: 1 },
      { roomId: ROOM, lastSeq: 20 },
    ],
    'the newest seq always arrives at the end of the gap',
  );
  hybrid.close();
});

test('a lower seq within the gap is nothing new to tell', async () => {
  const { b, hybrid } = setup(4, 50);
  hybrid.tellActivity(ROOM, 5);
  hybrid.tellActivity(ROOM, 3);
  await sleep(120);
  assert.deepEqual(
    b.of('room:activity').map((e) => (e.payload as { lastSeq: number }).lastSeq),
    [5],
  );
  hybrid.close();
});

test('without hybrid fan-out (tests, tools) every room is pushed', async () => {
  const b = new RecordingBroadcaster();
  await createFanoutHandler(b).run([created(1)]);
  assert.deepEqual(
    b.emits.map((e) => e.to),
    [{ room: ROOM }],
  );
});

// The Redis watermark the workers use, on the machine's Redis (a key prefix of this run's own).
let redis: Awaited<ReturnType<typeof startTestRedis>>;
before(async () => {
  redis = await startTestRedis();
});
after(async () => redis?.stop());

/** The Redis watermark, with its calls counted. */
function countedWatermark() {
  const real = new RedisFanoutWatermark(redis.redis, redis.prefix);
  const calls = { reads: 0, advances: [] as number[] };
  const watermark: FanoutWatermark = {
    emitted: (roomId) => (calls.reads++, real.emitted(roomId)),
    advance: (roomId, seq) => (calls.advances.push(seq), real.advance(roomId, seq)),
  };
  return { real, watermark, calls };
}

test("a run: the watermark read once, what it says was emitted skipped, the rest emitted in seq order, one flush after them all, one advance to the run's last seq", async () => {
  const room = uuidv7();
  const { real, watermark, calls } = countedWatermark();
  await real.advance(room, 3); // 1 … 3 emitted before (say, by a worker that crashed before committing its offsets)
  const b = new RecordingBroadcaster();
  const emitted: number[] = [];
  const fanout = createFanoutHandler(b, watermark, { committed: () => undefined, emitted: (_, seq) => void emitted.push(seq) });
  // A redelivery from seq 2 on; seq 4 comes twice, a retried send published again after 6.
  await fanout.run([created(2, room), created(3, room), created(4, room), updated(5, 1, room), created(6, room), created(4, room)]);
  assert.deepEqual(liveSeqs(b), [4, 5, 6], 'in seq order, each once');
  assert.deepEqual(
    b.emits.map((e) => e.event),
    ['message:new', 'message:updated', 'message:new'],
  );
  assert.deepEqual(b.flushedAt, [3], 'one flush, after every emit of the run');
  assert.deepEqual(emitted, [4, 5, 6], 'told per record');
  assert.deepEqual(calls, { reads: 1, advances: [6] });
  assert.equal(await real.emitted(room), 6);

  await fanout.run([created(5, room), created(6, room)]);
  assert.deepEqual(liveSeqs(b), [4, 5, 6], 'a run wholly emitted before: nothing again');
  assert.deepEqual(b.flushedAt, [3], 'nor flushed');
  assert.deepEqual(calls, { reads: 2, advances: [6] }, 'nor advanced');
});

test("a large room's run: its size read once, each record live to the open room in order, one room:activity with the run's last seq", async () => {
  const b = new RecordingBroadcaster();
  let sizeReads = 0;
  const hybrid = new HybridFanout(b, { members: () => (sizeReads++, 4), largeRoomMembers: 3 }, 100);
  const fanout = createFanoutHandler(b, undefined, undefined, hybrid);
  await fanout.run(Array.from({ length: 10 }, (_, i) => (i === 4 ? updated(i + 1, 1) : created(i + 1))));
  assert.equal(sizeReads, 1);
  assert.deepEqual(
    liveSeqs(b),
    Array.from({ length: 10 }, (_, i) => i + 1),
  );
  assert.ok(b.emits.filter((e) => e.event !== 'room:activity').every((e) => e.to.openRoom === ROOM && e.to.users?.[0] === AUTHOR));
  assert.deepEqual(
    b.of('room:activity').map((e) => e.payload),
    [{ roomId: ROOM, lastSeq: 10 }],
  );
  assert.deepEqual(b.flushedAt, [10], 'one flush, after every live emit');
  hybrid.close();
});

test('measured: Redis commands the fan-out sends per message, through the Redis emitter and watermark the workers use', async () => {
  const conn = redis.redis.duplicate();
  await conn.connect(); // its handshake is not the fan-out's
  const sent = new Map<string, number>();
  const send = conn.sendCommand.bind(conn);
  conn.sendCommand = (...args: Parameters<typeof send>) => {
    sent.set(args[0].name, (sent.get(args[0].name) ?? 0) + 1);
    return send(...args);
  };
  try {
    const fanout = createFanoutHandler(new RedisEmitterBroadcaster(conn), new RedisFanoutWatermark(conn, redis.prefix));
    const count = async (runs: LogRecord[][]) => {
      sent.clear();
      for (const run of runs) await fanout.run(run);
      return Object.fromEntries([...sent].sort());
    };
    const n = 50;
    const oneAtATime = uuidv7();
    const perRecord = await count(Array.from({ length: n }, (_, i) => [created(i + 1, oneAtATime)]));
    const inARun = uuidv7();
    const perRun = await count([Array.from({ length: n }, (_, i) => created(i + 1, inARun))]);
    const perMessage = (c: Record<string, number>) => (Object.values(c).reduce((a, x) => a + x, 0) / n).toFixed(2);
    console.log(
      `# fan-out of ${n} messages, Redis commands: one at a time ${JSON.stringify(perRecord)} (${perMessage(perRecord)}/message), as one run ${JSON.stringify(perRun)} (${perMessage(perRun)}/message)`,
    );
    assert.deepEqual(perRecord, { eval: n, get: n, ping: n, publish: n });
    assert.deepEqual(perRun, { eval: 1, get: 1, ping: 1, publish: n }, 'one read, one flush, one advance; a PUBLISH per message');
  } finally {
    conn.disconnect();
  }
});
