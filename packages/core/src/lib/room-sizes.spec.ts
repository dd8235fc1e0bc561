import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomSizes } from './room-sizes';

function sizes(counts: Map<string, number>, opts: { ttlMs?: number; maxRooms?: number } = {}) {
  let clock = 1_000;
  const reads: string[] = [];
  let fail = false;
  const s = new RoomSizes(
    async (roomId) => {
      reads.push(roomId);
      if (fail) throw new Error('database away');
      return counts.get(roomId) ?? null;
    },
    { largeRoomMembers: 3, ttlMs: opts.ttlMs ?? 10_000, maxRooms: opts.maxRooms, now: () => clock },
  );
  return {
    s,
    reads,
    tick: (ms: number) => (clock += ms),
    failReads: (on: boolean) => (fail = on),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

test('a room is read once; within the TTL its count answers at once, with no read', async () => {
  const { s, reads } = sizes(new Map([['r', 4]]));
  const [a, b] = await Promise.all([s.isLarge('r'), s.isLarge('r')]);
  assert.deepEqual([a, b], [true, true]);
  assert.deepEqual(reads, ['r'], 'concurrent first asks share one read');
  for (let i = 0; i < 100; i++) assert.equal(s.isLarge('r'), true, 'answered synchronously');
  assert.deepEqual(reads, ['r']);
});

test('the threshold counts: fewer members than LARGE_ROOM_MEMBERS is small, as many is large', async () => {
  const { s } = sizes(
    new Map([
      ['two', 2],
      ['three', 3],
    ]),
  );
  assert.equal(await s.isLarge('two'), false);
  assert.equal(await s.isLarge('three'), true);
});

test('past the TTL the held count answers while a fresh one is read in the background', async () => {
  const counts = new Map([['r', 2]]);
  const { s, reads, tick } = sizes(counts, { ttlMs: 100 });
  assert.equal(await s.isLarge('r'), false);
  counts.set('r', 5);
  tick(150);
  assert.equal(s.isLarge('r'), false, 'the stale count, at once');
  await settle();
  assert.equal(s.isLarge('r'), true);
  assert.deepEqual(reads, ['r', 'r']);
});

test('forget (a membership change here) makes the next ask read again, and drops a read already under way', async () => {
  const counts = new Map([['r', 2]]);
  const { s, reads } = sizes(counts);
  assert.equal(await s.isLarge('r'), false);
  counts.set('r', 3);
  s.forget('r');
  assert.equal(await s.isLarge('r'), true);
  assert.deepEqual(reads, ['r', 'r']);
});

test('a room that cannot be read is small (pushed to everyone); a held count outlives a failed refresh', async () => {
  const { s, tick, failReads } = sizes(new Map([['held', 9]]), { ttlMs: 100 });
  failReads(true);
  assert.equal(await s.isLarge('new'), false);
  failReads(false);
  assert.equal(await s.isLarge('held'), true);
  failReads(true);
  tick(150);
  assert.equal(s.isLarge('held'), true);
  await settle();
  assert.equal(s.isLarge('held'), true);
});

test('memory is bounded: past maxRooms the least recently asked room is forgotten', async () => {
  const { s, reads } = sizes(
    new Map([
      ['a', 1],
      ['b', 1],
      ['c', 1],
    ]),
    { maxRooms: 2 },
  );
  await s.members('a');
  await s.members('b');
  s.members('a'); // a is now the most recently asked
  await s.members('c');
  assert.equal(s.size, 2);
  assert.equal(typeof s.members('a'), 'number', 'a is still held');
  assert.notEqual(typeof s.members('b'), 'number', 'b went');
  assert.deepEqual(reads.slice(0, 3), ['a', 'b', 'c']);
});
