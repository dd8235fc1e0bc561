import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AuditPage, MyRoom, RoomPace } from '@qc/shared';
import { ApiHarness, call, waitFor, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * A room's pace on the real api (issue #14 item 2): slow mode holds each member to one
 * message per N seconds (SLOW_MODE with the wait; moderators and up are not held); a lock
 * makes the room read-only for members (READ_ONLY); members are told (`room:pace`); only the
 * room's admins and owner (and the instance's staff) may set either; a DM has neither.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let chief: string;
let h: ApiHarness;
let owner: TestUser;
let mod: TestUser;
let member: TestUser;
let room: MyRoom;
let memberSocket: ClientSocket;
let modSocket: ClientSocket;

const send = (socket: ClientSocket, content: string) =>
  call(socket, 'message:send', { roomId: room.id, clientMsgId: `p-${randomBytes(6).toString('hex')}`, content });

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  chief = (await h.registerAs(chiefName)).accessToken;
  [owner, mod, member] = await Promise.all([h.user('owner'), h.user('mod'), h.user('member')]);
  room = await h.group(owner, [member], 'paced');
  const added = await h.http('POST', `/rooms/${room.id}/members`, {
    token: owner.accessToken,
    body: { userId: mod.user.id, role: 'moderator' },
  });
  assert.equal(added.status, 201);
  memberSocket = await h.connect(member.accessToken);
  modSocket = await h.connect(mod.accessToken);
});
after(() => h?.stop());

describe("a room's pace", () => {
  test('only its admins and owner may set it: a member and a room moderator get FORBIDDEN; bad bodies VALIDATION; nobody slows a DM', async () => {
    for (const [url, body] of [
      ['slow-mode', { seconds: 30, reason: 'x' }],
      ['read-only', { readOnly: true, reason: 'x' }],
    ] as const) {
      for (const who of [member, mod]) {
        const r = await h.http<{ error: { code: string } }>('PUT', `/rooms/${room.id}/${url}`, { token: who.accessToken, body });
        assert.deepEqual([r.status, r.body.error.code], [403, 'FORBIDDEN'], `${url} by ${who.user.displayName}`);
      }
      assert.equal((await h.http('PUT', `/rooms/${room.id}/${url}`, { body })).status, 401);
    }
    for (const body of [{ seconds: -1, reason: 'x' }, { seconds: 30 }, { seconds: 1e6, reason: 'x' }, { seconds: 1.5, reason: 'x' }]) {
      assert.equal(
        (await h.http('PUT', `/rooms/${room.id}/slow-mode`, { token: owner.accessToken, body })).status,
        400,
        JSON.stringify(body),
      );
    }
    const dm = await h.http<MyRoom>('POST', '/rooms', { token: owner.accessToken, body: { kind: 'direct', userId: member.user.id } });
    // Nobody in a DM is its admin: its two people cannot slow it down.
    const refused = await h.http<{ error: { code: string } }>('PUT', `/rooms/${dm.body.id}/slow-mode`, {
      token: owner.accessToken,
      body: { seconds: 30, reason: 'x' },
    });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal((await send(memberSocket, 'free to talk')).ok, true);
    assert.equal((await send(memberSocket, 'and again')).ok, true);
  });

  test('slow mode: a member waits between messages (SLOW_MODE with the wait), a moderator does not; turned off, they talk freely', async () => {
    const told = waitFor<RoomPace>(memberSocket, 'room:pace', (p) => p.roomId === room.id);
    const set = await h.http<RoomPace>('PUT', `/rooms/${room.id}/slow-mode`, {
      token: owner.accessToken,
      body: { seconds: 30, reason: 'heated' },
    });
    assert.deepEqual(set.body, { roomId: room.id, slowModeSeconds: 30, readOnly: false, archived: false });
    assert.deepEqual(await told, set.body);
    const first = await send(memberSocket, 'one');
    // The member's previous message was a moment ago: they already wait.
    assert.equal(first.ok, false);
    assert.equal(first.error?.code, 'SLOW_MODE');
    assert.ok(first.error!.retryAfterMs! > 25_000 && first.error!.retryAfterMs! <= 30_000, String(first.error!.retryAfterMs));
    assert.equal((await send(modSocket, 'moderators are not held')).ok, true);
    assert.equal((await send(modSocket, 'not at all')).ok, true);
    const fetched = await h.http<MyRoom>('GET', `/rooms/${room.id}`, { token: member.accessToken });
    assert.equal(fetched.body.slowModeSeconds, 30);
    await h.http('PUT', `/rooms/${room.id}/slow-mode`, { token: owner.accessToken, body: { seconds: 0, reason: 'calm again' } });
    assert.equal((await send(memberSocket, 'free again')).ok, true);
    assert.equal((await send(memberSocket, 'and again')).ok, true);
  });

  test('read-only: members are refused READ_ONLY, a moderator posts; unlocked, members post again; the audit log keeps both', async () => {
    await h.http('PUT', `/rooms/${room.id}/read-only`, {
      token: owner.accessToken,
      body: { readOnly: true, reason: 'announcements only' },
    });
    const refused = await send(memberSocket, 'can I?');
    assert.equal(refused.error?.code, 'READ_ONLY');
    assert.equal((await send(modSocket, 'an announcement')).ok, true);
    assert.equal((await h.http<MyRoom>('GET', `/rooms/${room.id}`, { token: member.accessToken })).body.readOnly, true);
    await h.http('PUT', `/rooms/${room.id}/read-only`, { token: owner.accessToken, body: { readOnly: false, reason: 'open again' } });
    assert.equal((await send(memberSocket, 'thanks')).ok, true);
    const audit = await h.http<AuditPage>('GET', `/admin/audit?roomId=${room.id}`, { token: chief });
    assert.deepEqual(
      audit.body.entries.map((e) => [e.action, e.reason, e.after]),
      [
        ['room.lock', 'open again', { slowModeSeconds: 0, readOnly: false }],
        ['room.lock', 'announcements only', { slowModeSeconds: 0, readOnly: true }],
        ['room.slow-mode', 'calm again', { slowModeSeconds: 0, readOnly: false }],
        ['room.slow-mode', 'heated', { slowModeSeconds: 30, readOnly: false }],
      ],
    );
  });
});
