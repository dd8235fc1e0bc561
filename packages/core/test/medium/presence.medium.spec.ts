import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * Presence goes to the people one shares a room with, but not through a very large room
 * (LARGE_ROOM_MEMBERS, here 4): such a room is pulled, not pushed (hybrid fan-out), and
 * telling each of its thousands of members about every other one's every reconnect made the
 * bench's reconnect storm of 5,000 take minutes.
 */
let t: TestCore;
before(async () => {
  t = await startTestCore({ LARGE_ROOM_MEMBERS: '4', PRESENCE_BROADCAST_EVERY_MS: '0' });
});
after(async () => t?.stop());

test("a person's presence reaches who shares a small room with them, not the other members of a very large one", async () => {
  const [ann, bob, cat, dan, eve] = (await Promise.all(['ann', 'bob', 'cat', 'dan', 'eve'].map((n) => t.user(`pr-${n}`)))) as [
    string,
    string,
    string,
    string,
    string,
  ];
  await t.core.rooms.create(ann, { kind: 'group', name: 'small', memberIds: [bob] });
  const { room: big } = await t.core.rooms.create(ann, { kind: 'channel', name: 'big' });
  for (const u of [cat, dan, eve]) await t.core.rooms.addMember(big.id, u, { userId: u });

  assert.deepEqual((await t.core.meta.listPeersOf(ann, 4)).sort(), [bob].sort(), 'the channel of 4 is large');
  assert.deepEqual((await t.core.meta.listPeersOf(ann)).sort(), [bob, cat, dan, eve].sort(), 'without a bound, everyone');
  assert.deepEqual((await t.core.meta.listPeersOf(cat, 5)).sort(), [ann, dan, eve].sort(), 'under a higher bound the channel is small');

  t.broadcaster.emits.length = 0;
  await t.core.presence.connected(ann, 'conn-1', 10);
  const told = t.broadcaster.emits.filter((e) => e.event === 'presence');
  assert.equal(told.length, 1);
  assert.deepEqual([...told[0]!.to.users!].sort(), [ann, bob].sort(), 'ann herself (her other devices) and bob, not the channel');
});
