import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestCore, type TestCore } from '../support/test-core';

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(async () => {
  await t?.stop();
});

// Found by the OpenAPI fuzzer: a signed token of an account that no longer exists created
// rooms into the foreign key on rooms.created_by, a 500, where /users/me answers 401.
test('creating a room as an account that does not exist is UNAUTHENTICATED, and nothing is stored', async () => {
  const someone = await t.user('someone');
  const gone = uuidv7();
  for (const body of [
    { kind: 'channel' as const, name: 'ghost town' },
    { kind: 'group' as const, name: 'ghosts', memberIds: [someone] },
    { kind: 'direct' as const, userId: someone },
  ])
    await assert.rejects(t.core.rooms.create(gone, body), { code: 'UNAUTHENTICATED' }, body.kind);
  assert.deepEqual(await t.core.rooms.listMine(someone), []);
});

test("the ids a socket handshake joins are exactly the person's rooms, before and after leaving one", async () => {
  const [me, other] = await Promise.all([t.user('ids-me'), t.user('ids-other')]);
  const dm = (await t.core.rooms.create(me, { kind: 'direct', userId: other })).room;
  const group = (await t.core.rooms.create(other, { kind: 'group', name: 'ids', memberIds: [me] })).room;
  await t.core.rooms.create(other, { kind: 'channel', name: 'not mine' });
  const ids = async () => (await t.core.meta.listRoomIdsOfUser(me)).sort();
  const mine = async () => (await t.core.rooms.listMine(me)).map((r) => r.id).sort();
  assert.deepEqual(await ids(), [dm.id, group.id].sort());
  assert.deepEqual(await ids(), await mine());
  await t.core.rooms.removeMember(group.id, me, me);
  assert.deepEqual(await ids(), [dm.id]);
});
