import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AdminRoom, AdminRoomDetail, AuditPage, Message, MyRoom, Room, RoomPace } from '@qc/shared';
import { ApiHarness, call, waitFor, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * The dashboard's rooms on the real api (issue #14 item 6): the instance's staff find any
 * group or channel (never a direct message), see its people and roles, archive it (nobody
 * posts, whatever their role; gone from the directory; members told live) and bring it back,
 * and (admins only) delete it, each audited. Members are refused every endpoint with the
 * rest of the admin API in moderation.integration.spec.ts.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let chief: string;
let h: ApiHarness;
let owner: TestUser;
let member: TestUser;
let staffMod: TestUser;
let channel: MyRoom;
let group: MyRoom;
let ownerSocket: ClientSocket;
let memberSocket: ClientSocket;
const tag = randomBytes(3).toString('hex');

const send = (socket: ClientSocket, roomId: string, content: string) =>
  call(socket, 'message:send', { roomId, clientMsgId: `r-${randomBytes(6).toString('hex')}`, content });

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  chief = (await h.registerAs(chiefName)).accessToken;
  [owner, member, staffMod] = await Promise.all([h.user('owner'), h.user('member'), h.user('staffmod')]);
  const granted = await h.http('PUT', `/admin/users/${staffMod.user.id}/role`, {
    token: chief,
    body: { role: 'moderator', reason: 'rooms' },
  });
  assert.equal(granted.status, 204);
  const made = await h.http<MyRoom>('POST', '/rooms', { token: owner.accessToken, body: { kind: 'channel', name: `plaza-${tag}` } });
  assert.equal(made.status, 201);
  channel = made.body;
  const joined = await h.http('POST', `/rooms/${channel.id}/members`, { token: member.accessToken, body: { userId: member.user.id } });
  assert.equal(joined.status, 201);
  group = await h.group(owner, [member], `crew-${tag}`);
  await h.http('POST', '/rooms', { token: owner.accessToken, body: { kind: 'direct', userId: member.user.id } });
  ownerSocket = await h.connect(owner.accessToken);
  memberSocket = await h.connect(member.accessToken);
});
after(() => h?.stop());

describe('rooms on the dashboard', () => {
  test('staff find groups and channels by name, never direct messages; a room shows its people and roles', async () => {
    const all = await h.http<{ rooms: AdminRoom[] }>('GET', `/admin/rooms?q=${tag}`, { token: staffMod.accessToken });
    assert.equal(all.status, 200, JSON.stringify(all.body));
    assert.deepEqual(all.body.rooms.map((r) => r.name).sort(), [`crew-${tag}`, `plaza-${tag}`]);
    const everything = await h.http<{ rooms: AdminRoom[] }>('GET', '/admin/rooms', { token: chief });
    assert.equal(everything.body.rooms.filter((r) => (r.kind as string) === 'direct').length, 0, 'no direct message is listed');
    const channels = await h.http<{ rooms: AdminRoom[] }>('GET', `/admin/rooms?q=${tag}&kind=channel`, { token: chief });
    assert.deepEqual(
      channels.body.rooms.map((r) => [r.name, r.kind, r.memberCount, r.archived]),
      [[`plaza-${tag}`, 'channel', 2, false]],
    );
    assert.equal((await h.http('GET', '/admin/rooms?kind=direct', { token: chief })).status, 400);

    const detail = await h.http<AdminRoomDetail>('GET', `/admin/rooms/${group.id}`, { token: staffMod.accessToken });
    assert.equal(detail.status, 200);
    assert.deepEqual(
      detail.body.members.map((m) => [m.username, m.role]).sort(),
      [
        [member.user.username, 'member'],
        [owner.user.username, 'owner'],
      ].sort(),
    );
    const missing = await h.http<{ error: { code: string } }>('GET', '/admin/rooms/01a20792-8333-7000-85fe-754887c65700', { token: chief });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
  });

  test('archived by a moderator: nobody posts (the owner neither), members are told, the directory forgets it; brought back, talk goes on', async () => {
    const said = await send(memberSocket, channel.id, 'before the archive');
    const gone = await send(memberSocket, channel.id, 'this one I will delete');
    const [kept, mine] = [said, gone].map((r) => (r as unknown as { message: Message }).message) as [Message, Message];
    const told = waitFor<RoomPace>(memberSocket, 'room:pace', (p) => p.roomId === channel.id && p.archived);
    const archived = await h.http<RoomPace>('PUT', `/admin/rooms/${channel.id}/archived`, {
      token: staffMod.accessToken,
      body: { archived: true, reason: 'the event is over' },
    });
    assert.equal(archived.status, 200, JSON.stringify(archived.body));
    assert.equal(archived.body.archived, true);
    await told;
    for (const [who, socket] of [
      ['member', memberSocket],
      ['owner', ownerSocket],
    ] as const) {
      const r = await send(socket, channel.id, 'still here?');
      assert.equal(r.error?.code, 'READ_ONLY', who);
      assert.match(r.error!.message, /archived/);
    }
    // Its messages stay as they are: no edits, reactions or pins; a deletion still goes.
    const edited = await call(memberSocket, 'message:edit', { roomId: channel.id, messageId: kept.id, content: 'rewritten' });
    assert.equal(edited.error?.code, 'READ_ONLY');
    const reacted = await call(ownerSocket, 'reaction:add', { roomId: channel.id, messageId: kept.id, emoji: '👍' });
    assert.equal(reacted.error?.code, 'READ_ONLY');
    const pinned = await call(ownerSocket, 'message:pin', { roomId: channel.id, messageId: kept.id, pinned: true });
    assert.equal(pinned.error?.code, 'READ_ONLY');
    assert.equal((await call(memberSocket, 'message:delete', { roomId: channel.id, messageId: mine.id })).ok, true);
    const room = await h.http<Room>('GET', `/rooms/${channel.id}`, { token: member.accessToken });
    assert.equal(room.body.archived, true, 'the room says so');
    const history = await h.http('GET', `/rooms/${channel.id}/messages`, { token: member.accessToken });
    assert.equal(history.status, 200, 'its history is still there to read');
    const found = await h.http<Room[]>('GET', `/rooms?browse=channels&q=plaza-${tag}`, { token: staffMod.accessToken });
    assert.deepEqual(found.body, [], 'nobody finds it in the directory');
    // Nor joins it by its id, nor is added to it by its owner.
    for (const [who, token] of [
      ['a stranger joining', staffMod.accessToken],
      ['the owner adding', owner.accessToken],
    ] as const) {
      const refused = await h.http<{ error: { code: string; message: string } }>('POST', `/rooms/${channel.id}/members`, {
        token,
        body: { userId: staffMod.user.id },
      });
      assert.deepEqual([refused.status, refused.body.error.code], [403, 'READ_ONLY'], who);
      assert.match(refused.body.error.message, /archived/);
    }
    const again = await h.http<{ error: { code: string } }>('PUT', `/admin/rooms/${channel.id}/archived`, {
      token: chief,
      body: { archived: true, reason: 'twice' },
    });
    assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);

    const back = await h.http<RoomPace>('PUT', `/admin/rooms/${channel.id}/archived`, {
      token: chief,
      body: { archived: false, reason: 'by popular demand' },
    });
    assert.equal(back.body.archived, false);
    assert.equal((await send(memberSocket, channel.id, 'we are back')).ok, true);
    const joins = await h.http('POST', `/rooms/${channel.id}/members`, { token: staffMod.accessToken, body: { userId: staffMod.user.id } });
    assert.equal(joins.status, 201, 'brought back, it is open to join again');
    assert.equal((await call(memberSocket, 'message:edit', { roomId: channel.id, messageId: kept.id, content: 'rewritten' })).ok, true);
    const audit = await h.http<AuditPage>('GET', `/admin/audit?action=room.archive&roomId=${channel.id}`, { token: chief });
    assert.deepEqual(
      audit.body.entries.map((e) => [e.reason, e.after]),
      [
        ['by popular demand', { archived: false }],
        ['the event is over', { archived: true }],
      ],
    );
  });

  test('deleted by an admin (a moderator may not): its members are told, it is gone, the audit log keeps what it was', async () => {
    const refused = await h.http<{ error: { code: string } }>('DELETE', `/admin/rooms/${group.id}`, {
      token: staffMod.accessToken,
      body: { reason: 'x' },
    });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'FORBIDDEN']);
    assert.equal((await h.http('DELETE', `/admin/rooms/${group.id}`, { token: chief, body: {} })).status, 400, 'a reason is needed');
    const removed = waitFor<{ roomId: string }>(memberSocket, 'room:removed', (p) => p.roomId === group.id);
    assert.equal((await h.http('DELETE', `/admin/rooms/${group.id}`, { token: chief, body: { reason: 'spam ring' } })).status, 204);
    await removed;
    assert.equal((await h.http('GET', `/admin/rooms/${group.id}`, { token: chief })).status, 404, 'gone');
    assert.equal(
      (await h.http('GET', `/rooms/${group.id}`, { token: owner.accessToken })).status,
      403,
      'its owner is no member of anything there',
    );
    const audit = await h.http<AuditPage>('GET', `/admin/audit?action=room.delete&roomId=${group.id}`, { token: chief });
    assert.equal(audit.body.entries.length, 1);
    assert.equal(audit.body.entries[0]!.reason, 'spam ring');
    assert.equal((audit.body.entries[0]!.before as { name: string }).name, `crew-${tag}`);
  });
});
