import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessRoomSequencer } from '../adapters/memory/in-process-room-sequencer.adapter';
import { RoomCommitQueue, type RoomCommitQueueLimits } from './room-commit-queue';

const LIMITS: RoomCommitQueueLimits = { maxBatch: 100, perRoom: 100, total: 1_000, maxWaitMs: 60_000, retryAfterMs: 700 };

/** A commit that records its batches and finishes only when the test lets it. */
function gatedCommit() {
  const batches: string[][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  return {
    batches,
    hold() {
      gate = new Promise<void>((r) => (release = r));
    },
    release: () => release(),
    commit: async (_room: string, items: string[]) => {
      batches.push([...items]);
      await gate;
      return items.map((i) => `ok:${i}`);
    },
  };
}

test('every send that arrives while a commit is in flight goes into the next one, in arrival order; tasks keep their place', async () => {
  const g = gatedCommit();
  const q = new RoomCommitQueue(new InProcessRoomSequencer(), g.commit, LIMITS);
  g.hold();
  const order: string[] = [];
  const first = q.submit('r', 'a');
  const rest = ['b', 'c', 'd'].map((i) => q.submit('r', i));
  const task = q.run('r', async () => (order.push('task'), 'task done'));
  const after = q.submit('r', 'e');
  assert.equal(q.depth(), 6);
  g.release();
  assert.deepEqual(await Promise.all([first, ...rest, task, after]), ['ok:a', 'ok:b', 'ok:c', 'ok:d', 'task done', 'ok:e']);
  assert.deepEqual(g.batches, [['a'], ['b', 'c', 'd'], ['e']], 'a, then the three that waited together, then the task, then e');
  assert.equal(q.depth(), 0);
  assert.equal(q.busyRooms(), 0);
});

test('rooms commit apart; a batch is at most maxBatch; a failed commit fails its batch only', async () => {
  const batches: string[][] = [];
  const q = new RoomCommitQueue(
    new InProcessRoomSequencer(),
    async (room, items: string[]) => {
      batches.push(items.map((i) => `${room}:${i}`));
      if (items.includes('boom')) throw new Error('commit failed');
      return items;
    },
    { ...LIMITS, maxBatch: 2 },
  );
  const results = await Promise.allSettled([
    q.submit('r1', '1'),
    q.submit('r1', 'boom'),
    q.submit('r1', '3'),
    q.submit('r2', 'x'),
    q.submit('r1', '4'),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value : 'failed')),
    ['1', 'failed', 'failed', 'x', '4'],
  );
  assert.deepEqual(batches, [['r1:1'], ['r2:x'], ['r1:boom', 'r1:3'], ['r1:4']]);
});

test('past a bound a send is refused OVERLOADED at once with a retry-after, and the queue serves again once it drains', async () => {
  let now = 0;
  const g = gatedCommit();
  const q = new RoomCommitQueue(new InProcessRoomSequencer(), g.commit, { ...LIMITS, perRoom: 3, total: 5, maxWaitMs: 500 }, () => now);
  g.hold();
  const accepted = [q.submit('r', 'a'), q.submit('r', 'b'), q.submit('r', 'c')];
  await assert.rejects(q.submit('r', 'd'), { code: 'OVERLOADED', retryAfterMs: 700 }, 'a full room');
  const other = [q.submit('s', 'x'), q.submit('s', 'y')];
  await assert.rejects(q.submit('t', 'z'), { code: 'OVERLOADED' }, 'full over every room');
  assert.equal(q.refused(), 2);
  g.release();
  await Promise.all([...accepted, ...other]);

  // A room whose oldest entry has waited past maxWaitMs takes no more, however short its queue.
  g.hold();
  const slow = q.submit('r', 'e');
  now = 400;
  const soon = q.submit('r', 'f');
  now = 501;
  await assert.rejects(q.submit('r', 'g'), { code: 'OVERLOADED' });
  const elsewhere = q.submit('elsewhere', 'h'); // another room's queue is young: taken
  g.release();
  assert.deepEqual(await Promise.all([slow, soon, elsewhere]), ['ok:e', 'ok:f', 'ok:h']);
  assert.equal(await q.submit('r', 'i'), 'ok:i', 'served again once drained');
});

test('an entry that waited past maxWaitMs by its turn is refused OVERLOADED, not committed; the fresh ones after it are', async () => {
  let now = 0;
  const g = gatedCommit();
  const ran: string[] = [];
  const q = new RoomCommitQueue(new InProcessRoomSequencer(), g.commit, { ...LIMITS, maxWaitMs: 500 }, () => now);
  g.hold();
  const first = q.submit('r', 'a'); // committing from t=0, held
  const old = q.submit('r', 'b'); // waits from t=0
  const oldTask = q.run('r', async () => void ran.push('old task'));
  now = 450;
  const young = q.submit('r', 'c'); // waits from t=450: the head is 450 ms old, under the bound, so taken
  now = 600; // the held commit ends: b and the task have waited 600 ms, c 150 ms
  g.release();
  assert.equal(await first, 'ok:a');
  await assert.rejects(old, { code: 'OVERLOADED', retryAfterMs: 700 });
  await assert.rejects(oldTask, { code: 'OVERLOADED' });
  assert.equal(await young, 'ok:c');
  assert.deepEqual(g.batches, [['a'], ['c']], 'b was never committed');
  assert.deepEqual(ran, [], 'nor did the task run');
  assert.equal(q.refused(), 2);
  assert.equal(q.depth(), 0);
});
