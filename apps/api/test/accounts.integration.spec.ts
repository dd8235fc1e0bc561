import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AdminPersonDetail, AdminUser, AuditPage, AuthResponse, Message } from '@qc/shared';
import { ApiHarness, call, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * Accounts from the dashboard (issue #14 item 2) on the real api: the instance's staff
 * disable an account (sign-in refused ACCOUNT_DISABLED, its sockets closed at once, its
 * access and refresh tokens refused) and enable it again, and end all of a person's
 * sessions; staff are out of reach of those not above them; a member gets 403 from each.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let h: ApiHarness;
let chief: AuthResponse;
let staff: TestUser;
let otherStaff: TestUser;
let target: TestUser;
let member: TestUser;

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  chief = await h.registerAs(chiefName);
  [staff, otherStaff, target, member] = await Promise.all([h.user('staff'), h.user('otherstaff'), h.user('target'), h.user('member')]);
  for (const who of [staff, otherStaff]) {
    const r = await h.http('PUT', `/admin/users/${who.user.id}/role`, {
      token: chief.accessToken,
      body: { role: 'moderator', reason: 'team' },
    });
    assert.equal(r.status, 204);
  }
});
after(() => h?.stop());

const login = (username: string) =>
  fetch(`${h.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery' }),
  });
const refresh = (cookie: string) => fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie } });
const closed = (socket: ClientSocket) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the socket was not closed within 2 s')), 2000);
    socket.once('disconnect', () => {
      clearTimeout(t);
      resolve();
    });
  });

describe('disabling an account', () => {
  test('a member and a moderator acting on staff are refused FORBIDDEN; no token 401; bad bodies VALIDATION', async () => {
    for (const action of ['disable', 'enable', 'end-sessions']) {
      const url = `/admin/users/${target.user.id}/${action}`;
      const r = await h.http<{ error: { code: string } }>('POST', url, { token: member.accessToken, body: { reason: 'x' } });
      assert.deepEqual([r.status, r.body.error.code], [403, 'FORBIDDEN'], url);
      assert.equal((await h.http('POST', url, { body: { reason: 'x' } })).status, 401);
      for (const body of [{}, { reason: '' }, { reason: 'x', extra: 1 }]) {
        assert.equal((await h.http('POST', url, { token: staff.accessToken, body })).status, 400, JSON.stringify(body));
      }
      for (const staffTarget of [otherStaff.user.id, chief.user.id]) {
        const s = await h.http('POST', `/admin/users/${staffTarget}/${action}`, { token: staff.accessToken, body: { reason: 'x' } });
        assert.equal(s.status, 403, `a moderator may not ${action} staff`);
      }
    }
    assert.equal((await h.http('GET', '/admin/users', { token: member.accessToken })).status, 403);
    const me = await h.http('GET', '/users/me', { token: target.accessToken });
    assert.equal(me.status, 200, 'nothing happened to the target');
  });

  test('disabled: sockets closed at once, tokens refused, sign-in refused ACCOUNT_DISABLED with the reason; enabled, sign-in works', async () => {
    const sockets = [await h.connect(target.accessToken), await h.connect(target.accessToken)];
    const gone = Promise.all(sockets.map(closed));
    const r = await h.http('POST', `/admin/users/${target.user.id}/disable`, { token: staff.accessToken, body: { reason: 'spam wave' } });
    assert.equal(r.status, 204, JSON.stringify(r.body));
    await gone;
    assert.equal((await h.http('GET', '/users/me', { token: target.accessToken })).status, 401);
    assert.equal((await refresh(target.cookie)).status, 401);
    await assert.rejects(h.connect(target.accessToken));
    const refused = await login(target.user.username);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.deepEqual([refused.status, body.error.code], [403, 'ACCOUNT_DISABLED']);
    assert.match(body.error.message, /spam wave/);
    const again = await h.http<{ error: { code: string } }>('POST', `/admin/users/${target.user.id}/disable`, {
      token: staff.accessToken,
      body: { reason: 'x' },
    });
    assert.deepEqual([again.status, again.body.error.code], [409, 'CONFLICT']);
    const listed = await h.http<AdminUser[]>('GET', `/admin/users?q=${encodeURIComponent(target.user.username)}`, {
      token: staff.accessToken,
    });
    assert.equal(listed.body[0]?.disabledReason, 'spam wave');

    assert.equal(
      (await h.http('POST', `/admin/users/${target.user.id}/enable`, { token: staff.accessToken, body: { reason: 'appealed' } })).status,
      204,
    );
    const back = await login(target.user.username);
    assert.equal(back.status, 200);
    const audit = await h.http<AuditPage>('GET', `/admin/audit?target=${target.user.id}`, { token: chief.accessToken });
    assert.deepEqual(
      audit.body.entries.map((e) => [e.action, e.reason]),
      [
        ['user.enable', 'appealed'],
        ['user.disable', 'spam wave'],
      ],
    );
  });

  test('end all sessions: every socket closes, earlier access and refresh tokens stop working; signing in again works', async () => {
    // Tokens carry whole seconds: the member's access token, issued at sign-up, is made a second older than the ending.
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await login(member.user.username);
    const cookie = (fresh.headers.get('set-cookie') ?? '').split(';')[0]!;
    const socket = await h.connect(member.accessToken);
    const gone = closed(socket);
    const r = await h.http('POST', `/admin/users/${member.user.id}/end-sessions`, {
      token: staff.accessToken,
      body: { reason: 'lost laptop' },
    });
    assert.equal(r.status, 204);
    await gone;
    assert.equal((await refresh(cookie)).status, 401);
    assert.equal((await refresh(member.cookie)).status, 401);
    // The access token from before cannot open a socket or read anything.
    assert.equal((await h.http('GET', '/users/me', { token: member.accessToken })).status, 401);
    await assert.rejects(h.connect(member.accessToken));
    // A new sign-in, a second on, works (tokens carry whole seconds).
    await new Promise((r) => setTimeout(r, 1100));
    const again = await login(member.user.username);
    assert.equal(again.status, 200);
    const { accessToken } = (await again.json()) as AuthResponse;
    assert.equal((await h.http('GET', '/users/me', { token: accessToken })).status, 200);
  });
});

describe("someone's page", () => {
  test('profile, groups and channels with role and mute, latest messages there as they are now; direct conversations only counted', async () => {
    const [subject, friend] = await Promise.all([h.user('subject'), h.user('friend')]);
    const group = await h.group(friend, [subject], `study-${randomBytes(2).toString('hex')}`);
    const dm = await h.http<{ id: string }>('POST', '/rooms', {
      token: subject.accessToken,
      body: { kind: 'direct', userId: friend.user.id },
    });
    const socket = await h.connect(subject.accessToken);
    const sent: Message[] = [];
    for (const content of ['first words', 'second words', 'third words']) {
      const r = await call(socket, 'message:send', { roomId: group.id, clientMsgId: `p-${content.replace(/ /g, '-')}`, content });
      assert.equal(r.ok, true, JSON.stringify(r));
      sent.push((r as unknown as { message: Message }).message);
    }
    assert.equal((await call(socket, 'message:send', { roomId: dm.body.id, clientMsgId: 'p-dm', content: 'a private word' })).ok, true);
    assert.equal(
      (await call(socket, 'message:edit', { roomId: group.id, messageId: sent[1]!.id, content: 'second words, edited' })).ok,
      true,
    );
    assert.equal((await call(socket, 'message:delete', { roomId: group.id, messageId: sent[0]!.id })).ok, true);
    const muted = await h.http('POST', `/rooms/${group.id}/members/${subject.user.id}/mute`, {
      token: staff.accessToken,
      body: { minutes: 30, reason: 'cool off' },
    });
    assert.equal(muted.status, 200, JSON.stringify(muted.body));

    const page = await h.http<AdminPersonDetail>('GET', `/admin/users/${subject.user.id}`, { token: staff.accessToken });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.equal(page.body.user.username, subject.user.username);
    assert.deepEqual(
      page.body.rooms.map((r) => [r.id, r.kind, r.role]),
      [[group.id, 'group', 'member']],
    );
    assert.ok(page.body.rooms[0]!.mutedUntil && Date.parse(page.body.rooms[0]!.mutedUntil) > Date.now(), 'the mute shows');
    assert.equal(page.body.directRooms, 1);
    assert.deepEqual(
      page.body.recentMessages.map((m) => [m.content, m.deletedAt !== null, m.roomName]),
      [
        ['third words', false, group.name],
        ['second words, edited', false, group.name],
        ['', true, group.name],
      ],
      'newest first, as they are now; the direct message is not there',
    );
    assert.equal((await h.http('GET', `/admin/users/${subject.user.id}`, { token: friend.accessToken })).status, 403, 'a member may not');
    const missing = await h.http('GET', '/admin/users/01a20792-8333-7000-85fe-754887c65700', { token: staff.accessToken });
    assert.equal(missing.status, 404);
  });
});
