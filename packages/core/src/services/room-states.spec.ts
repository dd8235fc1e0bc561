import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, Role } from '@qc/shared';
import { DEFAULT_ROOM_STATES_OPTIONS, RoomStates, type RoomStatesOptions } from './room-states';

/** A metadata stand-in that counts its reads and can hold one until the test lets it go. */
function members(initial: Record<string, Record<string, Role>>) {
  const rooms = new Map(Object.entries(initial).map(([id, m]) => [id, new Map(Object.entries(m))]));
  const reads: string[] = [];
  let gate: Promise<void> | null = null;
  return {
    reads,
    rooms,
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    read: async (roomId: string) => {
      reads.push(roomId);
      const snapshot = [...(rooms.get(roomId) ?? new Map<string, Role>())].map(([userId, role]) => ({ userId, role }));
      if (gate) await gate;
      return snapshot;
    },
  };
}

const message = (roomId: string, senderId: string, clientMsgId: string, seq: number): Message =>
  ({
    id: `${roomId}-${seq}`,
    roomId,
    senderId,
    clientMsgId,
    seq,
    content: 'x',
    contentType: 'text',
    createdAt: new Date(0).toISOString(),
  }) as Message;

function states(m: ReturnType<typeof members>, opts: Partial<RoomStatesOptions> = {}, clock = { now: 0 }) {
  return new RoomStates(m.read, { maxRooms: 100, recentPerRoom: 10, refusalHoldMs: 1000, now: () => clock.now, ...opts });
}

test("a room's members are read once, by one read shared by concurrent sends; after that a member is checked at once, from memory", async () => {
  const m = members({ r: { ann: 'owner', bob: 'member' } });
  const s = states(m);
  const [a, b] = await Promise.all([s.check('r', 'ann', 'c1'), s.check('r', 'bob', 'c2')]);
  assert.deepEqual(
    [a, b],
    [
      { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
      { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
    ],
  );
  assert.deepEqual(m.reads, ['r']);
  const held = s.check('r', 'bob', 'c3');
  assert.ok(!(held instanceof Promise), 'answered synchronously: no read, no wait');
  assert.deepEqual(held, { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null });
  assert.equal(s.role('r', 'ann'), 'owner');
  assert.deepEqual(m.reads, ['r']);
});

test('a repeat of a committed send is answered from memory; the room keeps its last seq and at most recentPerRoom ids', async () => {
  const m = members({ r: { ann: 'member' } });
  const s = states(m, { recentPerRoom: 2 });
  await s.check('r', 'ann', 'x');
  s.committed(message('r', 'ann', 'c1', 1));
  s.committed(message('r', 'ann', 'c2', 2));
  s.committed(message('r', 'ann', 'c3', 3));
  assert.deepEqual(s.check('r', 'ann', 'c3'), {
    member: true,
    repeat: message('r', 'ann', 'c3', 3),
    mutedUntil: null,
    readOnly: false,
    archived: false,
    slowModeWaitMs: null,
  });
  assert.deepEqual(
    s.check('r', 'ann', 'c1'),
    { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
    'the oldest id left memory (the store still answers it)',
  );
  assert.deepEqual(s.check('r', 'bob', 'c3') instanceof Promise, true, 'another sender is not answered with ann’s message');
  assert.equal(s.lastSeq('r'), 3);
});

test('a non-member is read again before being refused, then refused from memory for refusalHoldMs, then read again', async () => {
  const clock = { now: 0 };
  const m = members({ r: { ann: 'member' } });
  const s = states(m, {}, clock);
  await s.check('r', 'ann', 'a');
  assert.deepEqual(await s.check('r', 'eve', 'e1'), { member: false });
  assert.deepEqual(m.reads, ['r', 'r'], 'read again before the refusal');
  clock.now = 999;
  assert.deepEqual(s.check('r', 'eve', 'e2'), { member: false }, 'within the hold: from memory');
  assert.deepEqual(m.reads, ['r', 'r']);
  clock.now = 1001;
  m.rooms.get('r')!.set('eve', 'member'); // added on another node, no event heard
  assert.deepEqual(
    await s.check('r', 'eve', 'e3'),
    { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
    'past the hold: read again, and let in',
  );
  assert.deepEqual(m.reads, ['r', 'r', 'r']);
});

test('a membership change drops the members held; a read that was under way when it came is read again, not kept', async () => {
  const m = members({ r: { ann: 'member' } });
  const s = states(m);
  await s.check('r', 'ann', 'a');
  m.rooms.get('r')!.set('joe', 'member');
  s.changed('r');
  assert.deepEqual(await s.check('r', 'joe', 'j1'), {
    member: true,
    repeat: null,
    mutedUntil: null,
    readOnly: false,
    archived: false,
    slowModeWaitMs: null,
  });

  // A read lists the members, then someone is added and the change is heard before the read returns.
  s.changed('r');
  const release = m.hold();
  const pending = s.check('r', 'kim', 'k1');
  m.rooms.get('r')!.set('kim', 'member');
  s.changed('r');
  release();
  assert.deepEqual(
    await pending,
    { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
    'the list from before the change did not refuse kim',
  );
});

test('refused at commit: memory stops counting the sender as a member', async () => {
  const m = members({ r: { ann: 'member', bob: 'member' } });
  const s = states(m);
  await s.check('r', 'bob', 'b');
  m.rooms.get('r')!.delete('bob'); // removed on another node
  s.refusedAtCommit('r', 'bob');
  assert.deepEqual(s.check('r', 'bob', 'b2'), { member: false });
});

test('at most maxRooms rooms are held; the one used longest ago goes first', async () => {
  const m = members({ a: { u: 'member' }, b: { u: 'member' }, c: { u: 'member' } });
  const s = states(m, { maxRooms: 2 });
  await s.check('a', 'u', '1');
  await s.check('b', 'u', '1');
  s.check('a', 'u', '2'); // a used again: b is now the oldest
  await s.check('c', 'u', '1');
  assert.equal(s.size, 2);
  assert.ok(!(s.check('a', 'u', '3') instanceof Promise), 'a still held');
  assert.ok(s.check('b', 'u', '2') instanceof Promise, 'b was dropped: read again');
});

test("a member muted by a moderator is answered with the mute's end while it runs, and as free once it passed", async () => {
  let now = 1_000_000;
  const s = new RoomStates(
    async () => [
      { userId: 'ann', role: 'member', silencedUntil: new Date(now + 60_000) },
      { userId: 'bob', role: 'member', silencedUntil: null },
    ],
    { ...DEFAULT_ROOM_STATES_OPTIONS, now: () => now },
  );
  assert.deepEqual(await s.check('r', 'ann', 'a1'), {
    member: true,
    repeat: null,
    mutedUntil: now + 60_000,
    readOnly: false,
    archived: false,
    slowModeWaitMs: null,
  });
  assert.deepEqual(await s.check('r', 'bob', 'b1'), {
    member: true,
    repeat: null,
    mutedUntil: null,
    readOnly: false,
    archived: false,
    slowModeWaitMs: null,
  });
  now += 60_001;
  assert.deepEqual(
    await s.check('r', 'ann', 'a2'),
    { member: true, repeat: null, mutedUntil: null, readOnly: false, archived: false, slowModeWaitMs: null },
    'it lifted by itself',
  );
});

test('slow mode holds a member to one committed send per N seconds and a lock keeps them from posting; moderators and up are not held; a change is read again; archived, nobody posts', async () => {
  let now = 1_000_000;
  let pace = { slowModeSeconds: 30, readOnly: false, archived: false };
  const s = new RoomStates(
    async () => [
      { userId: 'ann', role: 'member' },
      { userId: 'mo', role: 'moderator' },
    ],
    { ...DEFAULT_ROOM_STATES_OPTIONS, now: () => now },
    async () => pace,
  );
  const check = async (who: string, id: string) => {
    const c = await s.check('r', who, id);
    assert.ok(c.member);
    return { readOnly: c.readOnly, wait: c.slowModeWaitMs, repeat: c.repeat !== null };
  };
  assert.deepEqual(await check('ann', 'a1'), { readOnly: false, wait: null, repeat: false }, 'the first send goes');
  s.committed(message('r', 'ann', 'a1', 1));
  now += 10_000;
  assert.deepEqual(await check('ann', 'a2'), { readOnly: false, wait: 20_000, repeat: false }, '20 s to wait');
  assert.deepEqual(
    await check('ann', 'a1'),
    { readOnly: false, wait: 20_000, repeat: true },
    'a repeat is answered (the service answers repeats first)',
  );
  s.committed(message('r', 'mo', 'm1', 2));
  assert.deepEqual(await check('mo', 'm2'), { readOnly: false, wait: null, repeat: false }, 'a moderator is not held');
  now += 20_000;
  assert.deepEqual(await check('ann', 'a2'), { readOnly: false, wait: null, repeat: false }, 'after 30 s, the next goes');

  pace = { slowModeSeconds: 0, readOnly: true, archived: false };
  assert.equal((await check('ann', 'a3')).readOnly, false, 'held in memory until the room is said to have changed');
  s.changed('r');
  assert.deepEqual(await check('ann', 'a3'), { readOnly: true, wait: null, repeat: false });
  assert.deepEqual(await check('mo', 'm3'), { readOnly: false, wait: null, repeat: false });

  // Archived: nobody posts, a moderator neither.
  pace = { slowModeSeconds: 0, readOnly: false, archived: true };
  s.changed('r');
  for (const who of ['ann', 'mo']) {
    const c = await s.check('r', who, `${who}-4`);
    assert.ok(c.member);
    assert.deepEqual([c.readOnly, c.archived], [true, true], who);
  }
});
