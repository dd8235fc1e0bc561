import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOptions } from '@node-rs/argon2';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { startTestDatabase, type TestDatabase } from '../support/test-database';
import { AuthService } from '../../src/services/auth.service';

let db: TestDatabase;
let meta: PostgresMetadataStore;
let clock = new Date('2030-01-01T00:00:00Z');
let auth: AuthService;
const settings = { jwtSecret: 's'.repeat(40), argon2: { memoryKib: 19456, timeCost: 2 } };

before(async () => {
  db = await startTestDatabase();
  meta = new PostgresMetadataStore(db.ds);
  auth = new AuthService(meta, settings, () => clock);
});
after(async () => {
  await db?.stop();
});

describe('AuthService on PostgreSQL', () => {
  test('passwords are stored as argon2id with m >= 19 MiB and t >= 2', async () => {
    const s = await auth.register({ username: 'hashcheck', password: 'correct horse battery' });
    const u = await meta.findUserById(s.user.id);
    assert.match(u!.passwordHash, /^\$argon2id\$/);
    const o = parseOptions(u!.passwordHash);
    assert.ok(o.memoryCost >= 19456 && o.timeCost >= 2, JSON.stringify(o));
    assert.doesNotMatch(u!.passwordHash, /correct horse/);
  });

  test('login checks the password; a taken username is CONFLICT', async () => {
    await auth.register({ username: 'bob', password: 'correct horse battery' });
    await assert.rejects(auth.register({ username: 'BOB', password: 'another password' }), { code: 'CONFLICT' });
    await assert.rejects(auth.login({ username: 'bob', password: 'wrong password' }), { code: 'UNAUTHENTICATED' });
    await assert.rejects(auth.login({ username: 'nobody', password: 'whatever1' }), { code: 'UNAUTHENTICATED' });
    const s = await auth.login({ username: 'bob', password: 'correct horse battery' });
    assert.equal(auth.verifyAccessToken(s.accessToken).userId, s.user.id);
  });

  test('access tokens expire after 15 minutes', async () => {
    const s = await auth.register({ username: 'expiring', password: 'correct horse battery' });
    clock = new Date(clock.getTime() + 14 * 60_000);
    assert.equal(auth.verifyAccessToken(s.accessToken).userId, s.user.id);
    clock = new Date(clock.getTime() + 2 * 60_000);
    assert.throws(() => auth.verifyAccessToken(s.accessToken), { code: 'UNAUTHENTICATED', message: /expired/ });
    assert.throws(() => auth.verifyAccessToken(s.accessToken + 'x'), { code: 'UNAUTHENTICATED' });
    const forged = new AuthService(meta, { ...settings, jwtSecret: 'z'.repeat(40) }, () => clock).signAccessToken(s.user.id);
    assert.throws(() => auth.verifyAccessToken(forged), { code: 'UNAUTHENTICATED' });
  });

  test('refresh rotates; reusing an old refresh token revokes the whole family', async () => {
    const s1 = await auth.register({ username: 'rotator', password: 'correct horse battery' });
    const s2 = await auth.refresh(s1.refreshToken);
    assert.notEqual(s2.refreshToken, s1.refreshToken);
    const s3 = await auth.refresh(s2.refreshToken);
    // An attacker replays s1: refused, and the legitimate s3 dies with it.
    await assert.rejects(auth.refresh(s1.refreshToken), { code: 'UNAUTHENTICATED', message: /reused/ });
    await assert.rejects(auth.refresh(s3.refreshToken), { code: 'UNAUTHENTICATED' });
    // Another login is another family and is unaffected.
    const other = await auth.login({ username: 'rotator', password: 'correct horse battery' });
    assert.ok((await auth.refresh(other.refreshToken)).accessToken);
  });

  test('logout revokes the refresh token', async () => {
    const s = await auth.register({ username: 'leaver', password: 'correct horse battery' });
    await auth.logout(s.refreshToken);
    await assert.rejects(auth.refresh(s.refreshToken), { code: 'UNAUTHENTICATED' });
    await assert.rejects(auth.refresh(undefined), { code: 'UNAUTHENTICATED' });
  });
});
