import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { HealthReport, HistoryPage, Member, Message, MyRoom, Room, SearchResult, User } from '@qc/shared';
import { ApiHarness, call, type TestUser } from './support/api-harness';

/* REST under /api/v1 against the real api on a real PostgreSQL. */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start();
});
after(async () => {
  await h?.stop();
});

const origin = () => h.api.config.allowedOrigins[0]!;

describe('accounts', () => {
  test('register sets an httpOnly SameSite=Strict refresh cookie; refresh rotates it; logout revokes it', async () => {
    const res = await fetch(`${h.base}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'Carol_1', password: 'correct horse battery', displayName: 'Carol' }),
    });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { accessToken: string; expiresIn: number; user: User };
    assert.equal(body.user.username, 'carol_1');
    assert.equal(body.expiresIn, 900);
    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /qc_refresh=/);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, /Path=\/api\/v1\/auth/);
    const cookie1 = setCookie.split(';')[0]!;

    const r1 = await fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: cookie1 } });
    assert.equal(r1.status, 200);
    const cookie2 = (r1.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.notEqual(cookie2, cookie1);
    const me = await h.http<User>('GET', '/users/me', { token: ((await r1.json()) as { accessToken: string }).accessToken });
    assert.equal(me.body.displayName, 'Carol');

    // The first cookie was used: presenting it again revokes the family (cookie2 too).
    const reuse = await fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: cookie1 } });
    assert.equal(reuse.status, 401);
    assert.equal(((await reuse.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    assert.equal((await fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: cookie2 } })).status, 401);

    const login = await fetch(`${h.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'carol_1', password: 'correct horse battery' }),
    });
    assert.equal(login.status, 200);
    const cookie3 = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.equal((await fetch(`${h.base}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: cookie3 } })).status, 204);
    assert.equal((await fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: cookie3 } })).status, 401);
  });

  test('refresh from a foreign Origin is refused', async () => {
    const u = await h.user('xsite');
    const bad = await fetch(`${h.base}/api/v1/auth/refresh`, {
      method: 'POST',
      headers: { cookie: u.cookie, origin: 'https://evil.example' },
    });
    assert.equal(bad.status, 403);
    const good = await fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: u.cookie, origin: origin() } });
    assert.equal(good.status, 200);
  });

  test('wrong password, duplicate username and bad bodies get clear coded errors', async () => {
    const u = await h.user('dup');
    const dup = await h.http<{ error: { code: string } }>('POST', '/auth/register', {
      body: { username: u.user.username, password: 'another password' },
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'CONFLICT');
    const wrong = await h.http<{ error: { code: string } }>('POST', '/auth/login', {
      body: { username: u.user.username, password: 'wrong password' },
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'UNAUTHENTICATED');
    const short = await h.http<{ error: { code: string; message: string } }>('POST', '/auth/register', {
      body: { username: 'ok_name', password: 'short' },
    });
    assert.equal(short.status, 400);
    assert.equal(short.body.error.code, 'VALIDATION');
    assert.match(short.body.error.message, /password/);
    const junk = await h.http<{ error: { code: string } }>('POST', '/auth/login', { rawBody: '{"username": ' });
    assert.equal(junk.status, 400);
    assert.equal(junk.body.error.code, 'VALIDATION');
    const proto = await h.http<{ error: { code: string } }>('POST', '/auth/register', {
      rawBody: '{"username":"protouser","password":"correct horse","__proto__":{"admin":true}}',
    });
    assert.equal(proto.body.error.code, 'VALIDATION');
    assert.equal(
      (await h.http('POST', '/auth/login', { body: { username: 'protouser', password: 'correct horse' } })).status,
      401,
      'nothing stored',
    );
    const noToken = await h.http<{ error: { code: string } }>('GET', '/users/me');
    assert.equal(noToken.status, 401);
    assert.equal(noToken.body.error.code, 'UNAUTHENTICATED');
    const nowhere = await h.http<{ error: { code: string } }>('GET', '/no/such/route');
    assert.equal(nowhere.status, 404);
    assert.equal(nowhere.body.error.code, 'NOT_FOUND');
  });

  test('profile: display name; a picture is not linked from another site (avatars.integration uploads one)', async () => {
    const u = await h.user('profile');
    const ok = await h.http<User>('PATCH', '/users/me', { token: u.accessToken, body: { displayName: 'Pat Smith' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.displayName, 'Pat Smith');
    assert.equal(ok.body.avatarUrl, null);
    for (const avatarUrl of ['https://example.com/a.png', 'javascript:alert(1)', null]) {
      const refused = await h.http<{ error: { code: string } }>('PATCH', '/users/me', { token: u.accessToken, body: { avatarUrl } });
      assert.deepEqual([refused.status, refused.body.error.code], [400, 'VALIDATION'], String(avatarUrl));
    }
    assert.equal((await h.http<User>('GET', '/users/me', { token: u.accessToken })).body.avatarUrl, null);
    const found = await h.http<User[]>('GET', `/users?q=${encodeURIComponent('pat s')}`, { token: u.accessToken });
    assert.ok(found.body.some((x) => x.id === u.user.id));
  });
});

describe('rooms', () => {
  test('a direct room created twice (from either side) is the same room', async () => {
    const [a, b] = await Promise.all([h.user('dma'), h.user('dmb')]);
    const first = await h.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'direct', userId: b.user.id } });
    assert.equal(first.status, 201);
    assert.equal(first.body.kind, 'direct');
    assert.equal(first.body.peer?.id, b.user.id);
    assert.equal(first.body.name, 'dmb');
    const again = await h.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'direct', userId: b.user.id } });
    const fromB = await h.http<MyRoom>('POST', '/rooms', { token: b.accessToken, body: { kind: 'direct', userId: a.user.id } });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    assert.equal(fromB.body.id, first.body.id);
    assert.equal(fromB.body.name, 'dma');
    const self = await h.http<{ error: { code: string } }>('POST', '/rooms', {
      token: a.accessToken,
      body: { kind: 'direct', userId: a.user.id },
    });
    assert.equal(self.body.error.code, 'VALIDATION');
    const leave = await h.http<{ error: { code: string } }>('DELETE', `/rooms/${first.body.id}/members/${a.user.id}`, {
      token: a.accessToken,
    });
    assert.equal(leave.body.error.code, 'FORBIDDEN');
  });

  test('groups: owner and admins add and remove; members cannot; outsiders see nothing', async () => {
    const [owner, admin, member, newbie, outsider] = await Promise.all([
      h.user('owner'),
      h.user('admin'),
      h.user('member'),
      h.user('newbie'),
      h.user('outsider'),
    ]);
    const g = await h.http<MyRoom>('POST', '/rooms', {
      token: owner.accessToken,
      body: { kind: 'group', name: 'Design', memberIds: [member.user.id] },
    });
    assert.equal(g.status, 201);
    assert.equal(g.body.role, 'owner');
    assert.equal(g.body.memberCount, 2);
    const id = g.body.id;
    assert.equal(
      (await h.http('POST', `/rooms/${id}/members`, { token: owner.accessToken, body: { userId: admin.user.id, role: 'admin' } })).status,
      201,
    );
    const byMember = await h.http<{ error: { code: string } }>('POST', `/rooms/${id}/members`, {
      token: member.accessToken,
      body: { userId: newbie.user.id },
    });
    assert.equal(byMember.status, 403);
    assert.equal(
      (await h.http('POST', `/rooms/${id}/members`, { token: admin.accessToken, body: { userId: newbie.user.id } })).status,
      201,
    );
    const adminRemovesOwner = await h.http('DELETE', `/rooms/${id}/members/${owner.user.id}`, { token: admin.accessToken });
    assert.equal(adminRemovesOwner.status, 403);
    assert.equal((await h.http('DELETE', `/rooms/${id}/members/${newbie.user.id}`, { token: admin.accessToken })).status, 204);
    const members = await h.http<Member[]>('GET', `/rooms/${id}/members`, { token: member.accessToken });
    assert.deepEqual(members.body.map((m) => m.role).sort(), ['admin', 'member', 'owner']);
    for (const [method, path] of [
      ['GET', `/rooms/${id}`],
      ['GET', `/rooms/${id}/members`],
      ['GET', `/rooms/${id}/messages`],
      ['PATCH', `/rooms/${id}`],
    ] as const) {
      const r = await h.http<{ error: { code: string } }>(method, path, {
        token: outsider.accessToken,
        body: method === 'PATCH' ? { name: 'x' } : undefined,
      });
      assert.equal(r.status, 403, `${method} ${path}`);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    const selfJoin = await h.http('POST', `/rooms/${id}/members`, { token: outsider.accessToken, body: { userId: outsider.user.id } });
    assert.equal(selfJoin.status, 403, 'groups are by invitation');
    const renamed = await h.http<MyRoom>('PATCH', `/rooms/${id}`, {
      token: admin.accessToken,
      body: { name: 'Design team', topic: 'pixels' },
    });
    assert.equal(renamed.body.name, 'Design team');
    assert.equal((await h.http('DELETE', `/rooms/${id}`, { token: admin.accessToken })).status, 403);
    assert.equal((await h.http('DELETE', `/rooms/${id}`, { token: owner.accessToken })).status, 204);
    assert.equal((await h.http('GET', `/rooms/${id}`, { token: owner.accessToken })).status, 403);
  });

  test('channels: browse, join, leave', async () => {
    const [creator, joiner] = await Promise.all([h.user('chan'), h.user('joiner')]);
    const c = await h.http<MyRoom>('POST', '/rooms', {
      token: creator.accessToken,
      body: { kind: 'channel', name: 'general-talk', topic: 'anything' },
    });
    assert.equal(c.status, 201);
    const browse = await h.http<(Room & { joined: boolean })[]>('GET', '/rooms?browse=channels&q=general', { token: joiner.accessToken });
    const listed = browse.body.find((r) => r.id === c.body.id);
    assert.ok(listed);
    assert.equal(listed.joined, false);
    const join = await h.http<Member>('POST', `/rooms/${c.body.id}/members`, {
      token: joiner.accessToken,
      body: { userId: joiner.user.id },
    });
    assert.equal(join.status, 201);
    assert.equal(join.body.role, 'member');
    assert.equal(
      (await h.http('POST', `/rooms/${c.body.id}/members`, { token: joiner.accessToken, body: { userId: joiner.user.id } })).status,
      409,
    );
    const mine = await h.http<MyRoom[]>('GET', '/rooms', { token: joiner.accessToken });
    assert.ok(mine.body.some((r) => r.id === c.body.id));
    assert.equal((await h.http('DELETE', `/rooms/${c.body.id}/members/${joiner.user.id}`, { token: joiner.accessToken })).status, 204);
    const after = await h.http<MyRoom[]>('GET', '/rooms', { token: joiner.accessToken });
    assert.ok(!after.body.some((r) => r.id === c.body.id));
  });

  test('channel names are unique regardless of case: a twin is CONFLICT, created or renamed, and nothing is stored', async () => {
    const [ann, ben] = await Promise.all([h.user('names-ann'), h.user('names-ben')]);
    const general = await h.http<MyRoom>('POST', '/rooms', { token: ann.accessToken, body: { kind: 'channel', name: 'General' } });
    assert.equal(general.status, 201);
    assert.equal(general.body.createdBy, ann.user.id);
    const channelsCalled = async (q: string) =>
      (await h.http<Room[]>('GET', `/rooms?browse=channels&q=${q}`, { token: ben.accessToken })).body.filter(
        (r) => r.name.toLowerCase() === q,
      );

    for (const name of ['general', '  GENERAL  ']) {
      const twin = await h.http<{ error: { code: string; message: string } }>('POST', '/rooms', {
        token: ben.accessToken,
        body: { kind: 'channel', name, topic: 'mine' },
      });
      assert.equal(twin.status, 409, name);
      assert.equal(twin.body.error.code, 'CONFLICT');
      assert.match(twin.body.error.message, /already a channel called/);
    }
    assert.equal((await channelsCalled('general')).length, 1, 'nothing stored');
    assert.ok(!(await h.http<MyRoom[]>('GET', '/rooms', { token: ben.accessToken })).body.some((r) => r.name.toLowerCase() === 'general'));

    const other = await h.http<MyRoom>('POST', '/rooms', { token: ben.accessToken, body: { kind: 'channel', name: 'random' } });
    assert.equal(other.status, 201);
    const rename = await h.http<{ error: { code: string } }>('PATCH', `/rooms/${other.body.id}`, {
      token: ben.accessToken,
      body: { name: 'GENERAL', topic: 'changed' },
    });
    assert.equal(rename.status, 409);
    assert.equal(rename.body.error.code, 'CONFLICT');
    const unchanged = await h.http<MyRoom>('GET', `/rooms/${other.body.id}`, { token: ben.accessToken });
    assert.equal(unchanged.body.name, 'random');
    assert.equal(unchanged.body.topic, null, 'the topic sent with the refused name is not stored either');

    // A channel may change the case of its own name; groups are private and may share names.
    const recased = await h.http<MyRoom>('PATCH', `/rooms/${general.body.id}`, { token: ann.accessToken, body: { name: 'GENERAL' } });
    assert.equal(recased.status, 200);
    assert.equal(recased.body.name, 'GENERAL');
    const groups = await Promise.all(
      [ann, ben].map((u) =>
        h.http<MyRoom>('POST', '/rooms', { token: u.accessToken, body: { kind: 'group', name: 'General', memberIds: [] } }),
      ),
    );
    assert.deepEqual(
      groups.map((g) => g.status),
      [201, 201],
    );
  });

  test('bad room input: unknown kind, bad uuid, unknown member', async () => {
    const u = await h.user('badroom');
    assert.equal((await h.http('POST', '/rooms', { token: u.accessToken, body: { kind: 'secret', name: 'x' } })).status, 400);
    assert.equal((await h.http('GET', '/rooms/not-a-uuid', { token: u.accessToken })).status, 400);
    const ghost = await h.http<{ error: { code: string } }>('POST', '/rooms', {
      token: u.accessToken,
      body: { kind: 'direct', userId: '00000000-0000-4000-8000-000000000000' },
    });
    assert.equal(ghost.status, 404);
    assert.equal(ghost.body.error.code, 'NOT_FOUND');
  });

  test('an id in upper case names the same room (ids are lower-cased on the way in)', async () => {
    const [a, b] = await Promise.all([h.user('upper-a'), h.user('upper-b')]);
    const room = await h.group(a, [b]);
    const r = await h.http<MyRoom>('GET', `/rooms/${room.id.toUpperCase()}`, { token: a.accessToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.id, room.id);
    const sa = await h.connect(a.accessToken);
    const sent = await call(sa, 'message:send', { roomId: room.id.toUpperCase(), clientMsgId: 'upper', content: 'hi' });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    assert.equal((sent.message as Message).roomId, room.id);
  });
});

describe('notification settings', () => {
  test('GET|PUT /rooms/:roomId/notifications: a member reads and sets theirs; bad bodies are VALIDATION and change nothing; a stranger is FORBIDDEN', async () => {
    const [owner, stranger] = await Promise.all([h.user('nsowner'), h.user('nsstranger')]);
    const g = await h.http<MyRoom>('POST', '/rooms', { token: owner.accessToken, body: { kind: 'group', name: 'Loud', memberIds: [] } });
    assert.deepEqual(g.body.notifications, { level: 'all', mutedUntil: null });
    assert.equal(g.body.mentionCount, 0);
    const path = `/rooms/${g.body.id}/notifications`;
    const until = new Date(Date.now() + 8 * 3600_000).toISOString();
    const put = await h.http('PUT', path, { token: owner.accessToken, body: { level: 'mentions', mutedUntil: until } });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body, { level: 'mentions', mutedUntil: until });
    for (const body of [
      { level: 'loud' },
      { level: 'all', mutedUntil: 'tomorrow' },
      { level: 'all', mutedUntil: new Date(Date.now() + 400 * 24 * 3600_000).toISOString() },
      { level: 'all', extra: true },
      {},
    ]) {
      const bad = await h.http<{ error: { code: string } }>('PUT', path, { token: owner.accessToken, body });
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body.error.code, 'VALIDATION');
    }
    const got = await h.http('GET', path, { token: owner.accessToken });
    assert.deepEqual(got.body, { level: 'mentions', mutedUntil: until }, 'the refused bodies changed nothing');
    const mine = await h.http<MyRoom[]>('GET', '/rooms', { token: owner.accessToken });
    assert.deepEqual(mine.body.find((r) => r.id === g.body.id)?.notifications, { level: 'mentions', mutedUntil: until });
    for (const method of ['GET', 'PUT'] as const) {
      const r = await h.http<{ error: { code: string } }>(method, path, {
        token: stranger.accessToken,
        body: method === 'PUT' ? { level: 'none' } : undefined,
      });
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'FORBIDDEN');
    }
    assert.equal((await h.http('GET', path, {})).status, 401);
  });
});

describe('history and health', () => {
  test('history pages with before/after, ascending, with hasMore', async () => {
    const [a, b] = await Promise.all([h.user('hist'), h.user('histb')]);
    const room = (await h.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'direct', userId: b.user.id } })).body;
    const s = await h.connect(a.accessToken);
    for (let i = 1; i <= 12; i++)
      assert.equal((await call(s, 'message:send', { roomId: room.id, clientMsgId: `h${i}`, content: `m${i}` })).ok, true);
    const latest = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages?limit=5`, { token: b.accessToken });
    assert.deepEqual(
      latest.body.messages.map((m: Message) => m.seq),
      [8, 9, 10, 11, 12],
    );
    assert.equal(latest.body.hasMore, true);
    const older = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages?before=8&limit=5`, { token: b.accessToken });
    assert.deepEqual(
      older.body.messages.map((m) => m.seq),
      [3, 4, 5, 6, 7],
    );
    const oldest = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages?before=3&limit=5`, { token: b.accessToken });
    assert.deepEqual(
      oldest.body.messages.map((m) => m.seq),
      [1, 2],
    );
    assert.equal(oldest.body.hasMore, false);
    const after = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages?after=10`, { token: b.accessToken });
    assert.deepEqual(
      after.body.messages.map((m) => m.seq),
      [11, 12],
    );
    assert.equal((await h.http('GET', `/rooms/${room.id}/messages?before=3&after=1`, { token: b.accessToken })).status, 400);
    assert.equal((await h.http('GET', `/rooms/${room.id}/messages?limit=1000`, { token: b.accessToken })).status, 400);
    const listed = (await h.http<MyRoom[]>('GET', '/rooms', { token: b.accessToken })).body.find((r) => r.id === room.id)!;
    assert.equal(listed.unreadCount, 12);
    assert.equal(listed.lastMessage?.content, 'm12');
    assert.equal(listed.lastSeq, 12);
  });

  test('health reports the database and the in-process consumers', async () => {
    const r = await h.http<HealthReport>('GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.deepEqual(Object.keys(r.body.checks).sort(), ['database', 'messageLog'], 'embedded: no other engine to check');
    assert.equal(r.body.checks.database?.status, 'up');
    assert.equal(r.body.checks.messageLog?.status, 'up');
    // Embedded: fan-out and the notifier (Web Push) run inline in this process (PostgreSQL search needs no indexer).
    assert.deepEqual(r.body.consumers, { fanout: { members: 1, lag: 0 }, notify: { members: 1, lag: 0 } });
    assert.ok(r.headers.get('x-request-id'));
  });

  test("health says when the database pool is exhausted: degraded, still 200, with the pool's use", async () => {
    const ds = h.api.dataSource;
    const max = h.api.config.databasePoolSize;
    assert.deepEqual((await h.http<HealthReport>('GET', '/health')).body.checks.database?.pool?.max, max);
    const held = await Promise.all(
      Array.from({ length: max }, async () => {
        const runner = ds.createQueryRunner();
        await runner.connect();
        return runner;
      }),
    );
    const queued = ds.query('SELECT 1');
    try {
      const r = await h.http<HealthReport>('GET', '/health');
      assert.equal(r.status, 200, 'an exhausted pool slows the node; it must not drain it from the load balancer');
      assert.equal(r.body.status, 'degraded');
      assert.equal(r.body.checks.database?.status, 'degraded');
      assert.deepEqual(r.body.checks.database?.pool, { total: max, idle: 0, waiting: 1, max });
      assert.match(r.body.checks.database?.error ?? '', /pool exhausted.*1 request\(s\) waiting.*DATABASE_POOL_SIZE/);
    } finally {
      await Promise.all(held.map((runner) => runner.release()));
    }
    await queued;
    assert.equal((await h.http<HealthReport>('GET', '/health')).body.status, 'ok');
  });
});

/**
 * The same search tests for each profile: the embedded one (PostgreSQL full-text, `h`)
 * and Elasticsearch fed by the in-process indexer. `searchable()` makes what was just
 * indexed visible: a no-op for PostgreSQL (the commit is the index), an index refresh for
 * Elasticsearch, which otherwise shows new documents within its 1 s refresh interval.
 */
function searchSuite(label: string, open: () => Promise<{ h: ApiHarness; searchable(): Promise<void>; close(): Promise<void> }>) {
  describe(`search (${label})`, () => {
    let h: ApiHarness;
    let searchable: () => Promise<void>;
    let close: () => Promise<void>;
    before(async () => {
      ({ h, searchable, close } = await open());
    });
    after(async () => close?.());

    test('finds words and word prefixes in my rooms only, with a plain-text snippet', async () => {
      const [a, b, outsider] = await Promise.all([h.user('finder'), h.user('finderb'), h.user('nosy')]);
      const group = (
        await h.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'group', name: 'Finance', memberIds: [b.user.id] } })
      ).body;
      const elsewhere = (await h.http<MyRoom>('POST', '/rooms', { token: outsider.accessToken, body: { kind: 'group', name: 'Mine' } }))
        .body;
      const sa = await h.connect(a.accessToken);
      const so = await h.connect(outsider.accessToken);
      const contents = ['The quarterly report is due Friday', 'lunch?', 'Quarterly numbers look <b>good</b>', 'see you at 3.14'];
      for (const [i, content] of contents.entries())
        assert.equal((await call(sa, 'message:send', { roomId: group.id, clientMsgId: `q${i}`, content })).ok, true);
      assert.equal(
        (await call(so, 'message:send', { roomId: elsewhere.id, clientMsgId: 'o1', content: 'my own quarterly plan' })).ok,
        true,
      );
      await searchable();

      const search = (token: string, query: string) => h.http<SearchResult>('GET', `/search/messages?${query}`, { token });
      const found = await search(b.accessToken, 'q=quarterly');
      assert.equal(found.status, 200);
      assert.deepEqual(found.body.hits.map((x) => x.message.content).sort(), [contents[2], contents[0]].sort());
      for (const hit of found.body.hits) {
        assert.equal(hit.message.roomId, group.id);
        assert.match(hit.highlight ?? '', /quarterly/i);
      }
      // Markup in a message comes back as the text it is, never as HTML to render.
      assert.ok(
        found.body.hits.some((x) => x.highlight?.includes('<b>good</b>')),
        JSON.stringify(found.body.hits),
      );

      const typing = await search(b.accessToken, 'q=quart');
      assert.equal(typing.body.hits.length, 2, 'the last word is a prefix while typing');
      const both = await search(b.accessToken, 'q=report%20fri');
      assert.deepEqual(
        both.body.hits.map((x) => x.message.content),
        [contents[0]],
      );
      const inRoom = await search(a.accessToken, `q=lunch&roomId=${group.id}`);
      assert.deepEqual(
        inRoom.body.hits.map((x) => x.message.seq),
        [2],
      );

      // Someone else's conversation never shows, whether asked broadly or by room id.
      const nosy = await search(outsider.accessToken, 'q=quarterly');
      assert.deepEqual(
        nosy.body.hits.map((x) => x.message.content),
        ['my own quarterly plan'],
      );
      const peek = await h.http<{ error: { code: string } }>('GET', `/search/messages?q=quarterly&roomId=${group.id}`, {
        token: outsider.accessToken,
      });
      assert.equal(peek.status, 403);
      assert.equal(peek.body.error.code, 'FORBIDDEN');

      // A member who leaves stops finding the room's messages; a deleted room is found by no one.
      assert.equal((await h.http('DELETE', `/rooms/${group.id}/members/${b.user.id}`, { token: a.accessToken })).status, 204);
      assert.equal((await search(b.accessToken, 'q=quarterly')).body.hits.length, 0);
      assert.equal((await search(a.accessToken, 'q=quarterly')).body.hits.length, 2);
      assert.equal((await h.http('DELETE', `/rooms/${group.id}`, { token: a.accessToken })).status, 204);
      assert.equal((await search(a.accessToken, 'q=quarterly')).body.hits.length, 0);
    });

    test('query syntax is just text, and bad queries get VALIDATION', async () => {
      const a = await h.user('syntax');
      const room = (await h.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'group', name: 'Syntax' } })).body;
      const s = await h.connect(a.accessToken);
      assert.equal((await call(s, 'message:send', { roomId: room.id, clientMsgId: 'x1', content: 'cats or dogs' })).ok, true);
      await searchable();
      for (const q of ['"cats', 'cats & dogs', '-dogs', 'cats | !', "it's (", 'or', ':*', '\\', '😀 cats']) {
        const r = await h.http<SearchResult>('GET', `/search/messages?q=${encodeURIComponent(q)}`, { token: a.accessToken });
        assert.equal(r.status, 200, `q=${q}`);
        assert.ok(Array.isArray(r.body.hits), `q=${q}`);
      }
      const quoted = await h.http<SearchResult>('GET', `/search/messages?q=${encodeURIComponent('"dogs"')}`, { token: a.accessToken });
      assert.equal(quoted.body.hits.length, 1);
      for (const bad of ['', 'q=', `q=${'x'.repeat(201)}`, 'q=cats&limit=1000', 'q=cats&roomId=nope', 'q=cats&sort=new']) {
        const r = await h.http<{ error: { code: string; message: string } }>('GET', `/search/messages?${bad}`, { token: a.accessToken });
        assert.equal(r.status, 400, bad);
        assert.equal(r.body.error.code, 'VALIDATION', bad);
      }
      assert.equal((await h.http('GET', '/search/messages?q=cats')).status, 401);
    });
  });
}

searchSuite('PostgreSQL full-text', async () => ({ h, searchable: async () => undefined, close: async () => undefined }));

const esUrl = process.env.TEST_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
searchSuite('Elasticsearch', async () => {
  const index = `test-rest-${randomBytes(4).toString('hex')}`;
  const es = await ApiHarness.start({ ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_INDEX: index });
  return {
    h: es,
    searchable: async () => {
      const r = await fetch(`${esUrl}/${index}/_refresh`, { method: 'POST' });
      assert.equal(r.status, 200);
    },
    close: async () => {
      await es.stop();
      await fetch(`${esUrl}/${index}`, { method: 'DELETE' });
    },
  };
});

describe('bad input never answers 500', () => {
  test('a NUL in a display name, room name, topic or any search query, and cursors past a bigint, are VALIDATION', async () => {
    const a = await h.user('nul');
    const room = await h.http<MyRoom>('POST', '/rooms', {
      token: a.accessToken,
      body: { kind: 'channel', name: `nul-${randomBytes(3).toString('hex')}` },
    });
    assert.equal(room.status, 201);
    const tried: [string, string, unknown][] = [
      ['PATCH', '/users/me', { displayName: 'Ann\u0000' }],
      ['POST', '/rooms', { kind: 'channel', name: 'x\u0000y' }],
      ['POST', '/rooms', { kind: 'channel', name: 'fine', topic: 't\u0000' }],
      ['PATCH', `/rooms/${room.body.id}`, { topic: 'a\u0000b' }],
      ['PATCH', `/rooms/${room.body.id}`, { name: '\u202Egnp.exe' }],
      ['GET', `/users?q=${encodeURIComponent('a\u0000')}`, undefined],
      ['GET', `/rooms?browse=channels&q=${encodeURIComponent('a\u0000')}`, undefined],
      ['GET', `/search/messages?q=${encodeURIComponent('a\u0000')}`, undefined],
      ['GET', `/rooms/${room.body.id}/messages?before=1e22`, undefined],
      ['GET', `/rooms/${room.body.id}/messages?after=99999999999999999999`, undefined],
    ];
    for (const [method, url, body] of tried) {
      const r = await h.http<{ error: { code: string } }>(method, url, { token: a.accessToken, body });
      assert.deepEqual([r.status, r.body?.error?.code], [400, 'VALIDATION'], `${method} ${url} ${JSON.stringify(body)}`);
    }
    const me = await h.http<User>('GET', '/users/me', { token: a.accessToken });
    assert.equal(me.body.displayName, 'nul', 'nothing was stored');
  });
});

describe('room ownership and existence', () => {
  test('the last owner leaving hands the room to the oldest admin, then the oldest member; the only member cannot leave', async () => {
    const [owner, early, admin] = await Promise.all([h.user('handover'), h.user('early'), h.user('adminlate')]);
    const g = await h.group(owner, [early], 'succession');
    assert.equal(
      (await h.http('POST', `/rooms/${g.id}/members`, { token: owner.accessToken, body: { userId: admin.user.id, role: 'admin' } })).status,
      201,
    );
    const roles = async (as: TestUser) =>
      Object.fromEntries(
        (await h.http<Member[]>('GET', `/rooms/${g.id}/members`, { token: as.accessToken })).body.map((m) => [m.userId, m.role]),
      );
    assert.equal((await h.http('DELETE', `/rooms/${g.id}/members/${owner.user.id}`, { token: owner.accessToken })).status, 204);
    assert.deepEqual(await roles(early), { [early.user.id]: 'member', [admin.user.id]: 'owner' }, 'the admin, though newer, first');
    assert.equal((await h.http('DELETE', `/rooms/${g.id}/members/${admin.user.id}`, { token: admin.accessToken })).status, 204);
    assert.deepEqual(await roles(early), { [early.user.id]: 'owner' });
    const alone = await h.http<{ error: { code: string; message: string } }>('DELETE', `/rooms/${g.id}/members/${early.user.id}`, {
      token: early.accessToken,
    });
    assert.equal(alone.status, 409);
    assert.equal(alone.body.error.code, 'CONFLICT');
    assert.match(alone.body.error.message, /only member of this room: delete the room/);
    // The new owner can manage the room: that is the point.
    assert.equal((await h.http('PATCH', `/rooms/${g.id}`, { token: early.accessToken, body: { name: 'still run' } })).status, 200);

    const solo = await h.http<MyRoom>('POST', '/rooms', { token: owner.accessToken, body: { kind: 'channel', name: 'solo' } });
    assert.equal((await h.http('DELETE', `/rooms/${solo.body.id}/members/${owner.user.id}`, { token: owner.accessToken })).status, 409);
  });

  test('a room that does not exist answers every REST call and socket event exactly as a group one is not in', async () => {
    const [owner, outsider] = await Promise.all([h.user('exists'), h.user('prober')]);
    const real = (await h.group(owner, [], 'hidden')).id;
    const ghost = '0190f000-0000-7000-8000-000000000000';
    const msg = '0190f000-0000-7000-8000-000000000001';
    const rest = (id: string) =>
      [
        ['GET', `/rooms/${id}`],
        ['PATCH', `/rooms/${id}`, { name: 'x' }],
        ['DELETE', `/rooms/${id}`],
        ['GET', `/rooms/${id}/members`],
        ['POST', `/rooms/${id}/members`, { userId: outsider.user.id }],
        ['POST', `/rooms/${id}/members`, { userId: owner.user.id }],
        ['DELETE', `/rooms/${id}/members/${outsider.user.id}`],
        ['DELETE', `/rooms/${id}/members/${owner.user.id}`],
        ['GET', `/rooms/${id}/messages`],
        ['GET', `/rooms/${id}/messages/${msg}`],
        ['DELETE', `/rooms/${id}/messages/${msg}`],
        ['POST', `/rooms/${id}/messages/${msg}/reactions`, { emoji: '👍' }],
        ['GET', `/rooms/${id}/receipts`],
        ['GET', `/search/messages?q=hello&roomId=${id}`],
      ] as const;
    const answer = async (id: string) => {
      const out = [];
      for (const [method, path, body] of rest(id)) {
        const res = await h.http<{ error: { code: string; message: string } }>(method, path, { token: outsider.accessToken, body });
        out.push(`${method} ${path.replace(id, 'ROOM')} -> ${res.status} ${res.body?.error?.code} ${res.body?.error?.message}`);
      }
      return out;
    };
    const [forReal, forGhost] = [await answer(real), await answer(ghost)];
    assert.deepEqual(forGhost, forReal);
    assert.ok(
      forReal.every((line) => / -> 403 FORBIDDEN /.test(line)),
      forReal.join('\n'),
    );

    const s = await h.connect(outsider.accessToken);
    const events = (id: string) =>
      [
        ['message:send', { roomId: id, clientMsgId: 'probe-1', content: 'hi' }],
        ['room:sync', { roomId: id, afterSeq: 0 }],
        ['room:read', { roomId: id, seq: 1 }],
        ['room:delivered', { roomId: id, seq: 1 }],
        ['typing', { roomId: id, isTyping: true }],
        ['message:edit', { roomId: id, messageId: msg, content: 'x' }],
        ['message:delete', { roomId: id, messageId: msg }],
        ['reaction:add', { roomId: id, messageId: msg, emoji: '👍' }],
      ] as const;
    const acks = async (id: string) => {
      const out = [];
      for (const [event, payload] of events(id)) out.push(`${event} -> ${JSON.stringify((await call(s, event, payload)).error)}`);
      return out;
    };
    const [socketReal, socketGhost] = [await acks(real), await acks(ghost)];
    assert.deepEqual(socketGhost, socketReal);
    assert.ok(
      socketReal.every((line) => line.includes('"FORBIDDEN"')),
      socketReal.join('\n'),
    );
  });
});
