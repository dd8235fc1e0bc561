import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { User, UserProfile } from '@qc/shared';
import { ApiHarness, until } from './support/api-harness';

/* A person's time zone (PATCH /users/me) and profile card (GET /users/:userId), against the real api. */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start();
});
after(async () => {
  await h?.stop();
});

type ErrorReply = { error: { code: string; message: string } };

describe('time zone', () => {
  test('a known IANA name is saved, returned by /users/me and on the card others read; null clears it', async () => {
    const [pat, sam] = await Promise.all([h.user('tzpat'), h.user('tzsam')]);
    assert.equal(pat.user.timeZone, null, 'nobody has one until their app says');

    const saved = await h.http<User>('PATCH', '/users/me', { token: pat.accessToken, body: { timeZone: 'Asia/Tokyo' } });
    assert.equal(saved.status, 200);
    assert.equal(saved.body.timeZone, 'Asia/Tokyo');
    assert.equal((await h.http<User>('GET', '/users/me', { token: pat.accessToken })).body.timeZone, 'Asia/Tokyo');

    const card = await h.http<UserProfile>('GET', `/users/${pat.user.id}`, { token: sam.accessToken });
    assert.equal(card.status, 200);
    assert.equal(card.body.timeZone, 'Asia/Tokyo');
    assert.equal(card.body.username, pat.user.username);

    // Aliases a browser may report are known names too.
    const alias = await h.http<User>('PATCH', '/users/me', { token: pat.accessToken, body: { timeZone: 'Asia/Calcutta' } });
    assert.equal(alias.body.timeZone, 'Asia/Calcutta');

    const cleared = await h.http<User>('PATCH', '/users/me', { token: pat.accessToken, body: { timeZone: null } });
    assert.equal(cleared.body.timeZone, null);
    // Another field alone leaves the time zone as it is.
    await h.http<User>('PATCH', '/users/me', { token: pat.accessToken, body: { timeZone: 'UTC' } });
    const renamed = await h.http<User>('PATCH', '/users/me', { token: pat.accessToken, body: { displayName: 'Pat' } });
    assert.equal(renamed.body.timeZone, 'UTC');
  });

  test('an unknown time zone is refused with VALIDATION and nothing is stored', async () => {
    const u = await h.user('tzbad');
    await h.http<User>('PATCH', '/users/me', { token: u.accessToken, body: { timeZone: 'Europe/Paris' } });
    for (const timeZone of ['Mars/Olympus_Mons', '+05:00', 'UTC+1', '', 'Europe/Paris\u0000', 'x'.repeat(65), 42, '../etc/passwd']) {
      const r = await h.http<ErrorReply>('PATCH', '/users/me', { token: u.accessToken, body: { displayName: 'Changed', timeZone } });
      assert.deepEqual([r.status, r.body.error.code], [400, 'VALIDATION'], JSON.stringify(timeZone));
      assert.match(r.body.error.message, /^timeZone: /);
    }
    const me = await h.http<User>('GET', '/users/me', { token: u.accessToken });
    assert.equal(me.body.timeZone, 'Europe/Paris', 'nothing was stored');
    assert.equal(me.body.displayName, 'tzbad', 'not the other fields of a refused body either');
  });
});

describe('profile card', () => {
  test('presence and last seen: online while connected, offline with the time they left after', async () => {
    const [ana, ben] = await Promise.all([h.user('cardana'), h.user('cardben')]);
    const read = async () => (await h.http<UserProfile>('GET', `/users/${ana.user.id}`, { token: ben.accessToken })).body;
    assert.equal((await read()).presence, 'offline');

    const socket = await h.connect(ana.accessToken);
    let card = await read();
    assert.equal(card.presence, 'online');
    assert.equal(card.displayName, 'cardana');

    const before = Date.now();
    socket.disconnect();
    await until(
      () => card.presence === 'offline',
      10_000,
      'offline after the socket closed',
      async () => {
        card = await read();
      },
    );
    assert.ok(card.lastSeen, 'last seen is known once they were connected');
    assert.ok(Date.parse(card.lastSeen) >= before - 1_000, card.lastSeen);
  });

  test('an unknown person is NOT_FOUND, a bad id VALIDATION, and no token UNAUTHENTICATED', async () => {
    const u = await h.user('cardreader');
    const missing = await h.http<ErrorReply>('GET', `/users/${randomUUID()}`, { token: u.accessToken });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
    const bad = await h.http<ErrorReply>('GET', '/users/not-an-id', { token: u.accessToken });
    assert.deepEqual([bad.status, bad.body.error.code], [400, 'VALIDATION']);
    const anonymous = await h.http<ErrorReply>('GET', `/users/${u.user.id}`);
    assert.deepEqual([anonymous.status, anonymous.body.error.code], [401, 'UNAUTHENTICATED']);
  });
});
