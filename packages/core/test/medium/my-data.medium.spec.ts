import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DELETED_USER_NAME, type Message, type MessageUpdate, type MyDataExport } from '@qc/shared';
import type { CoreServices } from '../../src/composition';
import { isAppError } from '../../src/errors';
import { MyDataService } from '../../src/services/my-data.service';
import type { IssuedSession } from '../../src/services/auth.service';
import { startTestCore, type TestCore } from '../support/test-core';
import type { RecordingBroadcaster } from '../support/recording-broadcaster';

/*
 * "Your data" on a real PostgreSQL, through the services as the api calls them: the export
 * holds the person's data and nobody else's, page by page; deleting the account erases the
 * profile, ends its sessions, takes it out of its rooms, and keeps or removes its messages
 * as the person chose, through the room's ordered stream.
 */

let t: TestCore;
let core: CoreServices;
let bc: RecordingBroadcaster;
const PASSWORD = 'correct horse battery';

before(async () => {
  t = await startTestCore();
  core = t.core;
  bc = t.broadcaster;
});
after(async () => t?.stop());

/** A person signed up as the web does: their session (refresh token included) and username. */
async function person(name: string): Promise<IssuedSession & { id: string; username: string }> {
  const username = `${name}${Math.floor(Math.random() * 1e9)}`;
  const s = await core.auth.register({ username, password: PASSWORD, displayName: name });
  return { ...s, id: s.user.id, username };
}

/** The service with pages of 2: every list crosses page ends. */
const paged = () =>
  new MyDataService(core.meta, core.messageStore, core.messageStates, core.auth, core.rooms, core.messageActions, bc, { pageSize: 2 });

async function exportOf(userId: string, service: MyDataService = paged()): Promise<{ file: MyDataExport; text: string; name: string }> {
  const { fileName, chunks } = await service.exportData(userId);
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return { file: JSON.parse(text) as MyDataExport, text, name: fileName };
}

const group = async (owner: string, members: string[], name = 'team') =>
  (await core.rooms.create(owner, { kind: 'group', name, memberIds: members })).room.id;
const send = async (userId: string, roomId: string, content: string) =>
  (await core.messages.send(userId, { roomId, clientMsgId: `c${Math.random().toString(36).slice(2)}`, content })).message;

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'not refused';
}

describe('export', () => {
  test("holds the person's profile, sessions, rooms, reactions, pins and every message they sent, and nothing of anyone else's", async () => {
    const ann = await person('ann');
    const bob = await person('bob');
    await core.auth.login({ username: ann.username, password: PASSWORD }); // a second device
    const room = await group(ann.id, [bob.id]);
    const left = await group(bob.id, [ann.id], 'left');
    const m1 = await send(ann.id, room, 'first words');
    await core.messageActions.edit(ann.id, { roomId: room, messageId: m1.id, content: 'first words, edited' });
    const m2 = await send(ann.id, room, 'regretted');
    await core.messageActions.delete(ann.id, { roomId: room, messageId: m2.id });
    const m3 = await send(ann.id, room, 'third');
    const bobs = await send(bob.id, room, "bob's secret");
    await core.messageActions.react(ann.id, { roomId: room, messageId: bobs.id, emoji: '👍' }, true);
    await core.messageActions.react(bob.id, { roomId: room, messageId: m3.id, emoji: '🎉' }, true);
    await core.messageActions.pin(ann.id, { roomId: room, messageId: bobs.id }, true);
    const m4 = await send(ann.id, left, 'said before I left');
    await core.rooms.removeMember(left, ann.id, ann.id);

    const { file, text, name } = await exportOf(ann.id);
    assert.match(name, new RegExp(`^quantum-chat-${ann.username}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    assert.equal(file.format, 'quantum-chat-export');
    assert.deepEqual(Object.keys(file), [
      'format',
      'version',
      'exportedAt',
      'profile',
      'sessions',
      'rooms',
      'uploads',
      'pins',
      'reactions',
      'messages',
    ]);
    assert.equal(file.profile.id, ann.id);
    assert.equal(file.profile.username, ann.username);
    assert.equal(file.profile.displayName, 'ann');
    assert.equal(file.sessions.length, 2, 'sign-up and the second sign-in');
    assert.ok(file.sessions.every((s) => s.endedAt === null && s.startedAt <= s.lastUsedAt));
    assert.deepEqual(
      file.rooms.map((r) => [r.id, r.role, r.kind]),
      [[room, 'owner', 'group']],
    );
    assert.ok(file.rooms[0]!.readSeq >= m3.seq, 'what you wrote yourself is read');
    assert.deepEqual(file.rooms[0]!.notifications, { level: 'all', mutedUntil: null }, "a group's default level");
    assert.deepEqual(file.uploads, []);
    assert.deepEqual(
      file.pins.map((p) => [p.roomId, p.messageId]),
      [[room, bobs.id]],
    );
    assert.deepEqual(
      file.reactions.map((r) => [r.messageId, r.emoji]),
      [[bobs.id, '👍']],
    );

    const byId = new Map(file.messages.map((m) => [m.id, m]));
    assert.deepEqual([...byId.keys()].sort(), [m1.id, m2.id, m3.id, m4.id].sort(), 'mine, in a room I left too, and no one else’s');
    assert.equal(byId.get(m1.id)!.content, 'first words, edited');
    assert.deepEqual(
      byId.get(m1.id)!.earlierVersions.map((v) => v.content),
      ['first words'],
    );
    assert.ok(byId.get(m2.id)!.deletedAt, 'a deleted message is marked');
    assert.equal(byId.get(m2.id)!.content, '');
    assert.deepEqual(
      byId.get(m2.id)!.earlierVersions.map((v) => v.content),
      ['regretted'],
      'its text is still kept, so it is yours to see',
    );
    assert.deepEqual(byId.get(m3.id)!.reactions, [{ emoji: '🎉', count: 1 }], 'counted, not who reacted');
    assert.equal(byId.get(m4.id)!.roomId, left);

    assert.doesNotMatch(text, /bob's secret/);
    assert.doesNotMatch(text, /\$argon2/, 'no password hash');
    assert.doesNotMatch(text, new RegExp(ann.refreshToken), 'no refresh token');
    assert.doesNotMatch(text, /passwordHash|tokenHash/);
  });

  test('pages through many messages and reactions without losing or repeating one', async () => {
    const ann = await person('many');
    const room = await group(ann.id, []);
    const other = await group(ann.id, [], 'other');
    const sent: Message[] = [];
    for (let i = 0; i < 7; i++) sent.push(await send(ann.id, i % 2 ? room : other, `m${i}`));
    for (const m of sent.slice(0, 5)) await core.messageActions.react(ann.id, { roomId: m.roomId, messageId: m.id, emoji: '👀' }, true);
    const { file } = await exportOf(ann.id);
    assert.deepEqual(file.messages.map((m) => m.id).sort(), sent.map((m) => m.id).sort());
    assert.equal(file.reactions.length, 5);
    assert.equal(new Set(file.reactions.map((r) => r.messageId)).size, 5);
  });

  test('an erased account has nothing to export', async () => {
    const gone = await person('gone');
    await core.myData.deleteAccount(gone.id, { password: PASSWORD, messages: 'keep-as-deleted-user' });
    assert.equal(await refusal(core.myData.exportData(gone.id)), 'UNAUTHENTICATED');
  });
});

describe('deleting an account', () => {
  test('a wrong password is refused FORBIDDEN, and nothing changes', async () => {
    const ann = await person('wrongpw');
    const bob = await person('bob');
    const room = await group(ann.id, [bob.id]);
    const m = await send(ann.id, room, 'still here');
    const changes = () =>
      bc.emits.filter((e) => e.event === 'message:updated' || e.event === 'member:changed' || e.event === 'room:removed').length;
    const before = changes();
    assert.equal(await refusal(core.myData.deleteAccount(ann.id, { password: 'not my password', messages: 'remove' })), 'FORBIDDEN');
    assert.equal((await core.users.getMe(ann.id)).displayName, 'wrongpw');
    assert.deepEqual((await core.meta.listMembers(room)).map((x) => x.userId).sort(), [ann.id, bob.id].sort());
    assert.equal((await core.messages.get(bob.id, room, m.id)).content, 'still here');
    assert.equal(changes(), before, 'nothing broadcast');
    assert.ok(!bc.disconnected.includes(ann.id));
    await core.auth.refresh(ann.refreshToken);
  });

  test('keeping the messages: the profile is erased, sessions end, rooms pass on, messages stay under "Deleted user"', async () => {
    const ann = await person('keeper');
    const [admin, member] = [await person('admin'), await person('member')];
    // Ann owns a group where the member joined before the admin: the admin still takes it (admins first).
    const owned = await group(ann.id, [member.id]);
    await core.rooms.addMember(owned, ann.id, { userId: admin.id, role: 'admin' });
    const alone = await group(ann.id, [], 'alone');
    const dm = (await core.rooms.create(member.id, { kind: 'direct', userId: ann.id })).room.id;
    const kept = await send(ann.id, owned, 'kept words');
    const inDm = await send(ann.id, dm, 'hello in private');

    await core.myData.deleteAccount(ann.id, { password: PASSWORD, messages: 'keep-as-deleted-user' });

    const tomb = await core.meta.findUserById(ann.id);
    assert.ok(tomb?.deletedAt);
    assert.equal(tomb.displayName, DELETED_USER_NAME);
    assert.equal(tomb.passwordHash, '');
    assert.equal(tomb.avatarUrl, null);
    assert.notEqual(tomb.username, ann.username, 'the username is freed');
    assert.equal(await refusal(core.auth.login({ username: ann.username, password: PASSWORD })), 'UNAUTHENTICATED');
    assert.equal(await refusal(core.auth.refresh(ann.refreshToken)), 'UNAUTHENTICATED');
    assert.equal(await refusal(core.auth.authenticate(ann.accessToken)), 'UNAUTHENTICATED', 'an unexpired access token stops working');
    assert.deepEqual(await core.meta.listSessions(ann.id), [], 'no token of it is kept');
    assert.ok(bc.disconnected.includes(ann.id), 'its sockets are closed');
    assert.deepEqual(await core.meta.listRoomIdsOfUser(ann.id), []);
    assert.equal((await core.rooms.get(owned, admin.id)).role, 'owner', 'the admin takes the room over');
    assert.equal(await core.meta.findRoomById(alone), null, 'a room left empty is deleted');
    const dmNow = await core.rooms.get(dm, member.id);
    assert.equal(dmNow.peer?.id, ann.id);
    assert.equal(dmNow.name, DELETED_USER_NAME, 'the DM is named after "Deleted user"');
    assert.equal((await core.messages.get(member.id, owned, kept.id)).content, 'kept words');
    assert.equal((await core.messages.get(member.id, dm, inDm.id)).senderId, ann.id);
    assert.equal((await core.messages.get(member.id, dm, inDm.id)).content, 'hello in private');
    assert.deepEqual(await core.users.search(DELETED_USER_NAME.slice(0, 7)), [], 'not in the directory');
    // The name is free for someone new.
    const again = await core.auth.register({ username: ann.username, password: 'another long password' });
    assert.notEqual(again.user.id, ann.id);
    assert.equal(await refusal(core.myData.deleteAccount(ann.id, { password: PASSWORD, messages: 'remove' })), 'UNAUTHENTICATED');
  });

  test('removing the messages: each is tombstoned at the room’s next seq, told to the members, its text erased; catch-up stays gap-free', async () => {
    const ann = await person('remover');
    const bob = await person('witness');
    const room = await group(bob.id, [ann.id]);
    const left = await group(bob.id, [ann.id], 'left-earlier');
    const before = await send(bob.id, room, 'before');
    const mine = [await send(ann.id, room, 'one'), await send(ann.id, room, 'two')];
    await core.messageActions.edit(ann.id, { roomId: room, messageId: mine[0]!.id, content: 'one, edited' });
    const theirs = await send(bob.id, room, 'after');
    const elsewhere = await send(ann.id, left, 'from a room I left');
    await core.rooms.removeMember(left, ann.id, ann.id);
    const lastBefore = (await core.rooms.get(room, bob.id)).lastSeq;
    const updatesBefore = bc.of('message:updated').length;

    await paged().deleteAccount(ann.id, { password: PASSWORD, messages: 'remove' });

    const updates = bc
      .of('message:updated')
      .slice(updatesBefore)
      .map((e) => e.payload as MessageUpdate);
    assert.deepEqual(
      updates
        .filter((u) => u.roomId === room)
        .map((u) => [u.seq, u.message.id, !!u.message.deletedAt, u.message.content])
        .sort((a, b) => Number(a[0]) - Number(b[0])),
      [
        [lastBefore + 1, mine[0]!.id, true, ''],
        [lastBefore + 2, mine[1]!.id, true, ''],
      ],
    );
    assert.ok(updates.some((u) => u.roomId === left && u.message.id === elsewhere.id && u.message.deletedAt));
    // Bob catches up from the start: one message or change at every seq, the removed ones as tombstones.
    const sync = await core.messages.sync(bob.id, { roomId: room, afterSeq: 0, limit: 200 });
    const seqs = [...sync.messages.map((m) => m.seq), ...sync.updates.map((u) => u.seq)].sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => i + 1),
    );
    const now = new Map(sync.messages.map((m) => [m.id, m]));
    assert.equal(now.get(before.id)!.content, 'before');
    assert.equal(now.get(theirs.id)!.content, 'after');
    for (const m of mine) assert.ok(now.get(m.id)!.deletedAt && now.get(m.id)!.content === '');
    // Erased where it is stored, not only hidden: history's text and each edit's.
    for (const m of [...mine, elsewhere]) assert.equal((await core.messageStore.findByIds(m.roomId, [m.id]))[0]!.content, '');
    assert.deepEqual(await core.messageStates.listEdits(mine.map((m) => m.id)), []);
    assert.equal((await core.meta.findUserById(ann.id))?.displayName, DELETED_USER_NAME);
  });
});
