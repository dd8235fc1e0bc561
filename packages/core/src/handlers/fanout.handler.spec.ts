import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@qc/shared';
import type { LogRecord } from '../ports/message-log.port';
import { RecordingBroadcaster } from '../../test/support/recording-broadcaster';
import { createFanoutHandler, fanoutRoute, HybridFanout } from './fanout.handler';

const ROOM = '0190aaaa-0000-7000-8000-000000000001';
const AUTHOR = '0190aaaa-0000-7000-8000-0000000000a1';

function message(seq: number): Message {
  return {
    id: `0190aaaa-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    roomId: ROOM,
    seq,
    senderId: AUTHOR,
    clientMsgId: `c${seq}`,
    content: `m${seq}`,
    contentType: 'text',
    replyTo: null,
    createdAt: new Date(0).toISOString(),
  };
}
const created = (seq: number): LogRecord => ({ type: 'message.created', message: message(seq) });
const updated = (seq: number, of: number): LogRecord => ({ type: 'message.updated', update: { roomId: ROOM, seq, message: message(of) } });

test('the decision: below LARGE_ROOM_MEMBERS every member is pushed to; from it, the open room and the author', () => {
  assert.deepEqual(fanoutRoute(created(1), 999, 1000), { to: 'room' });
  assert.deepEqual(fanoutRoute(created(1), 1000, 1000), { to: 'open', alsoUserIds: [AUTHOR] });
  assert.deepEqual(fanoutRoute(updated(2, 1), 5000, 1000), { to: 'open', alsoUserIds: [AUTHOR] }, 'a change goes the same way');
});

function setup(members: number, activityEveryMs = 100) {
  const b = new RecordingBroadcaster();
  const sizes = { members: () => members, largeRoomMembers: 3 };
  const hybrid = new HybridFanout(b, sizes, activityEveryMs);
  return { b, hybrid, handle: createFanoutHandler(b, undefined, undefined, hybrid) };
}

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
  await createFanoutHandler(b)(created(1));
  assert.deepEqual(
    b.emits.map((e) => e.to),
    [{ room: ROOM }],
  );
});
