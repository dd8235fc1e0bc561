import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AuditEntry, AuditPage, AuthResponse, MemberSanction, MyRoom, User } from '@qc/shared';
import { ApiHarness, call, type TestUser } from './support/api-harness';

/*
 * Moderation over REST and the socket on the real api: every moderation and admin endpoint
 * refuses a plain member (and a stranger), a muted member's send is refused MUTED with its
 * end, a banned one cannot rejoin, the first admin comes from QC_ADMIN_USERNAMES, and the
 * audit log exports as CSV and JSON.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let h: ApiHarness;
let chief: AuthResponse;
let owner: TestUser;
let mod: TestUser;
let member: TestUser;
let target: TestUser;
let stranger: TestUser;
let room: MyRoom;

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: `nobody_yet,${chiefName}` });
  chief = await h.registerAs(chiefName);
  [owner, mod, member, target, stranger] = await Promise.all([
    h.user('owner'),
    h.user('mod'),
    h.user('member'),
    h.user('target'),
    h.user('stranger'),
  ]);
  room = await h.group(owner, [member, target], 'moderated');
  const added = await h.http('POST', `/rooms/${room.id}/members`, {
    token: owner.accessToken,
    body: { userId: mod.user.id, role: 'moderator' },
  });
  assert.equal(added.status, 201, JSON.stringify(added.body));
});
after(() => h?.stop());

const member$ = (userId: string) => `/rooms/${room.id}/members/${userId}`;

describe('who may', () => {
  test('a name in QC_ADMIN_USERNAMES signs up as an admin, and says so; nobody else is staff', async () => {
    assert.equal(chief.user.instanceRole, 'admin');
    const me = await h.http<User>('GET', '/users/me', { token: chief.accessToken });
    assert.equal(me.body.instanceRole, 'admin');
    assert.equal((await h.http<User>('GET', '/users/me', { token: member.accessToken })).body.instanceRole, undefined);
  });

  test('every moderation and admin endpoint refuses a plain member and a stranger FORBIDDEN, and the unauthenticated 401', async () => {
    const calls: [string, string, unknown?][] = [
      ['POST', `${member$(target.user.id)}/mute`, { minutes: 5, reason: 'x' }],
      ['DELETE', `${member$(target.user.id)}/mute`, { reason: 'x' }],
      ['POST', `${member$(target.user.id)}/kick`, { reason: 'x' }],
      ['POST', `${member$(target.user.id)}/ban`, { reason: 'x' }],
      ['DELETE', `${member$(target.user.id)}/ban`, { reason: 'x' }],
      ['GET', '/admin/audit'],
      ['GET', '/admin/audit?format=csv'],
      ['GET', '/admin/audit?format=json'],
      ['PUT', `/admin/users/${target.user.id}/role`, { role: 'moderator', reason: 'x' }],
      ['GET', '/admin/rules'],
      ['POST', '/admin/rules', { name: 'x', kind: 'words', pattern: 'x', action: 'block' }],
      ['DELETE', '/admin/rules/01a20792-8333-7000-85fe-754887c65700'],
      ['POST', '/admin/rules/test', { text: 'x' }],
      ['GET', '/admin/overview'],
      ['GET', `/admin/users/${target.user.id}`],
      ['GET', '/admin/rooms'],
      ['GET', `/admin/rooms/${room.id}`],
      ['PUT', `/admin/rooms/${room.id}/archived`, { archived: true, reason: 'x' }],
      ['DELETE', `/admin/rooms/${room.id}`, { reason: 'x' }],
      ['GET', '/admin/spam-rules'],
      ['PUT', '/admin/spam-rules', { repeatRooms: 0, repeatWindowSeconds: 60, newAccountLinkMinutes: 0, reason: 'x' }],
      ['GET', `/rooms/${room.id}/rules`],
      ['POST', `/rooms/${room.id}/rules`, { name: 'x', kind: 'words', pattern: 'x', action: 'block' }],
    ];
    for (const [method, url, body] of calls) {
      for (const who of [member, stranger, mod]) {
        // A room moderator may mute and kick (not ban, nor keep the room's rules).
        if (who === mod && !url.startsWith('/admin') && !url.endsWith('/ban') && !url.endsWith('/rules')) continue;
        const r = await h.http<{ error: { code: string } }>(method, url, { token: who.accessToken, body });
        assert.equal(r.status, 403, `${method} ${url} as ${who.user.displayName}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'FORBIDDEN');
      }
      assert.equal((await h.http(method, url, { body })).status, 401, `${method} ${url} without a token`);
    }
    // Nothing happened to the target.
    const page = await h.http<AuditPage>('GET', '/admin/audit', { token: chief.accessToken });
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.entries.filter((e) => e.targetUserId === target.user.id),
      [],
    );
  });

  test('bad bodies are refused VALIDATION with nothing done', async () => {
    for (const body of [
      { minutes: 0, reason: 'x' },
      { minutes: 5 },
      { minutes: 5, reason: '' },
      { minutes: 1e9, reason: 'x' },
      { minutes: 5, reason: 'x', extra: 1 },
    ]) {
      const r = await h.http<{ error: { code: string } }>('POST', `${member$(target.user.id)}/mute`, { token: mod.accessToken, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'VALIDATION');
    }
  });
});

describe('what it does', () => {
  test("a room moderator mutes a member for 10 minutes: the member's send over the socket is refused MUTED with the end", async () => {
    const r = await h.http<MemberSanction>('POST', `${member$(target.user.id)}/mute`, {
      token: mod.accessToken,
      body: { minutes: 10, reason: 'too loud' },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const socket = await h.connect(target.accessToken);
    const ack = await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'muted-1', content: 'let me speak' });
    assert.equal(ack.ok, false);
    assert.equal(ack.error?.code, 'MUTED');
    assert.equal((ack.error as { until?: string }).until, r.body.until);
    assert.match(ack.error!.message, /too loud/);
    const other = await h.connect(member.accessToken);
    assert.equal((await call(other, 'message:send', { roomId: room.id, clientMsgId: 'free-1', content: 'I may' })).ok, true);
    assert.equal(
      (await h.http('DELETE', `${member$(target.user.id)}/mute`, { token: mod.accessToken, body: { reason: 'ok now' } })).status,
      204,
    );
    assert.equal((await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'muted-2', content: 'thanks' })).ok, true);
  });

  test('an owner bans a member: removed, and refused on rejoin and on invite; lifted, they are invited back', async () => {
    const ban = await h.http<MemberSanction>('POST', `${member$(target.user.id)}/ban`, {
      token: owner.accessToken,
      body: { reason: 'enough', minutes: 60 },
    });
    assert.equal(ban.status, 200, JSON.stringify(ban.body));
    const members = await h.http<{ userId: string }[]>('GET', `/rooms/${room.id}/members`, { token: owner.accessToken });
    assert.ok(!members.body.some((m) => m.userId === target.user.id));
    const invite = await h.http<{ error: { code: string; message: string } }>('POST', `/rooms/${room.id}/members`, {
      token: owner.accessToken,
      body: { userId: target.user.id },
    });
    assert.equal(invite.status, 403);
    assert.match(invite.body.error.message, /banned/);
    assert.equal(
      (await h.http('DELETE', `${member$(target.user.id)}/ban`, { token: owner.accessToken, body: { reason: 'fine' } })).status,
      204,
    );
    assert.equal(
      (await h.http('POST', `/rooms/${room.id}/members`, { token: owner.accessToken, body: { userId: target.user.id } })).status,
      201,
    );
  });

  test('the admin grants a moderator, who then reads the audit log; it exports as CSV and JSON with every filter', async () => {
    assert.equal(
      (
        await h.http('PUT', `/admin/users/${stranger.user.id}/role`, {
          token: chief.accessToken,
          body: { role: 'moderator', reason: 'helps out' },
        })
      ).status,
      204,
    );
    const page = await h.http<AuditPage>('GET', `/admin/audit?roomId=${room.id}&limit=50`, { token: stranger.accessToken });
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.entries.map((e) => e.action),
      ['member.unban', 'member.ban', 'member.unmute', 'member.mute'],
    );
    // Every id the page names comes with its name.
    for (const e of page.body.entries) {
      for (const id of [e.actorId, e.targetUserId]) if (id) assert.ok(page.body.names.users[id]?.username, `a name for ${id}`);
      assert.equal(page.body.names.rooms[e.roomId!]?.name, room.name);
    }
    const csv = await fetch(`${h.base}/api/v1/admin/audit?format=csv&action=member.mute`, {
      headers: { authorization: `Bearer ${chief.accessToken}` },
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="quantum-chat-audit-.*\.csv"/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'id,at,action,actorId,targetUserId,roomId,messageId,reason,before,after');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`member.mute,${mod.user.id},${target.user.id},${room.id},,too loud,`));
    const json = await fetch(`${h.base}/api/v1/admin/audit?format=json&target=${stranger.user.id}`, {
      headers: { authorization: `Bearer ${chief.accessToken}` },
    });
    const entries = (await json.json()) as AuditEntry[];
    assert.deepEqual(
      entries.map((e) => [e.action, e.actorId, e.reason, e.after]),
      [['user.grant-role', chief.user.id, 'helps out', { instanceRole: 'moderator' }]],
    );
  });

  test("a word rule refuses a send over the socket BLOCKED naming it; the room's owner keeps the room's rules", async () => {
    const made = await h.http<{ id: string }>('POST', `/rooms/${room.id}/rules`, {
      token: owner.accessToken,
      body: { name: 'no shouting words', kind: 'words', pattern: 'LOUD', action: 'block' },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const socket = await h.connect(member.accessToken);
    const ack = await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'rule-1', content: 'this is loud' });
    assert.equal(ack.ok, false);
    assert.equal(ack.error?.code, 'BLOCKED');
    assert.match(ack.error!.message, /"no shouting words"/);
    const bad = await h.http<{ error: { code: string } }>('POST', `/rooms/${room.id}/rules`, {
      token: owner.accessToken,
      body: { name: 'broken', kind: 'pattern', pattern: '(x', action: 'block' },
    });
    assert.equal(bad.status, 400);
    assert.equal((await h.http('DELETE', `/rooms/${room.id}/rules/${made.body.id}`, { token: owner.accessToken })).status, 204);
    assert.equal((await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'rule-2', content: 'this is loud' })).ok, true);
  });
});
