import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { AVATAR_MAX_BYTES, AVATAR_SIZE_PX, type User } from '@qc/shared';
import { ApiHarness, until, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * People's pictures on the real api: uploaded, cropped square and re-encoded without
 * metadata, served from here to anyone shown the person (no token: an <img> has none) at
 * the current version only; replaced and removed at once; refused with a code and nothing
 * changed when they are not pictures. A link to another site's picture is not accepted.
 */

let h: ApiHarness;
let alice: TestUser;
let bob: TestUser;

before(async () => {
  h = await ApiHarness.start();
  [alice, bob] = await Promise.all([h.user('alice'), h.user('bob')]);
});
after(() => h?.stop());

type Answer = User & { error?: { code: string; message: string } };

async function putAvatar(who: TestUser | null, bytes: Buffer, name = 'me.jpg'): Promise<{ status: number; body: Answer }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${h.base}/api/v1/users/me/avatar`, {
    method: 'PUT',
    headers: who ? { authorization: `Bearer ${who.accessToken}` } : {},
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

/** Where the embedded profile keeps a person's picture (DiskMediaStore: the key's path, its bytes in `.bin`). */
const storedPicture = (userId: string) => path.join(h.api.config.dataDir, 'media', 'avatars', `${userId}.webp.bin`);

const me = async (who: TestUser) => (await h.http<User>('GET', '/users/me', { token: who.accessToken })).body;

/** A landscape phone photo with its maker and GPS position in EXIF. */
const photo = () =>
  sharp({ create: { width: 1200, height: 800, channels: 3, background: '#cc6633' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer();

describe('avatars', () => {
  test('a photo becomes a square WebP without its EXIF, served without a token at its version, cached for good', async () => {
    const up = await putAvatar(alice, await photo());
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.match(up.body.avatarUrl ?? '', new RegExp(`^/api/v1/avatars/${alice.user.id}\\?v=[0-9a-f]{16}$`));
    assert.equal((await me(alice)).avatarUrl, up.body.avatarUrl, 'the profile names it');
    const seenByBob = await h.http<User>('GET', `/users/${alice.user.id}`, { token: bob.accessToken });
    assert.equal(seenByBob.body.avatarUrl, up.body.avatarUrl, 'and so does her card for others');

    const res = await fetch(h.base + up.body.avatarUrl);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/webp');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const bytes = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(bytes).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', AVATAR_SIZE_PX, AVATAR_SIZE_PX]);
    assert.equal(meta.exif, undefined, 'no EXIF: the GPS position is not passed on');
    assert.equal(bytes.includes(Buffer.from('SpyCam')), false);
    const again = await fetch(h.base + up.body.avatarUrl, { headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  test('a new picture replaces the old at once: the old URL answers 404, the new one the new bytes', async () => {
    const first = (await putAvatar(bob, await photo())).body.avatarUrl!;
    const png = await sharp({ create: { width: 300, height: 500, channels: 4, background: '#22aa66' } })
      .png()
      .toBuffer();
    const second = await putAvatar(bob, png, 'portrait.png');
    assert.equal(second.status, 200);
    assert.notEqual(second.body.avatarUrl, first);
    assert.equal((await fetch(h.base + first)).status, 404, 'the old version is not served any more');
    assert.equal((await fetch(h.base + second.body.avatarUrl!)).status, 200);
  });

  test('a wrong version, another person or a malformed address is not served', async () => {
    const url = (await me(alice)).avatarUrl!;
    assert.equal((await fetch(h.base + url.replace(/v=[0-9a-f]{16}/, 'v=0000000000000000'))).status, 404);
    assert.equal((await fetch(h.base + url.replace(alice.user.id, bob.user.id))).status, 404);
    const bad = await fetch(`${h.base}/api/v1/avatars/${alice.user.id}?v=../../etc`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'VALIDATION');
    assert.equal((await fetch(`${h.base}/api/v1/avatars/not-a-user?v=0000000000000000`)).status, 400);
  });

  test('refused with a code and nothing changed: not an image, empty, too large, no token, a link to another site', async () => {
    const before = (await me(alice)).avatarUrl;
    const text = await putAvatar(alice, Buffer.from('just some words, not a picture at all'), 'me.jpg');
    assert.deepEqual([text.status, text.body.error?.code], [415, 'UNSUPPORTED_TYPE']);
    const pdf = await putAvatar(alice, Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'), 'cv.pdf');
    assert.deepEqual([pdf.status, pdf.body.error?.code], [415, 'UNSUPPORTED_TYPE']);
    const empty = await putAvatar(alice, Buffer.alloc(0));
    assert.deepEqual([empty.status, empty.body.error?.code], [400, 'VALIDATION']);
    const huge = Buffer.concat([await photo(), Buffer.alloc(AVATAR_MAX_BYTES)]);
    const tooBig = await putAvatar(alice, huge);
    assert.deepEqual([tooBig.status, tooBig.body.error?.code], [413, 'TOO_LARGE']);
    const anonymous = await putAvatar(null, await photo());
    assert.equal(anonymous.status, 401);
    const linked = await h.http<{ error: { code: string } }>('PATCH', '/users/me', {
      token: alice.accessToken,
      body: { avatarUrl: 'https://tracker.example/pixel.png' },
    });
    assert.deepEqual([linked.status, linked.body.error.code], [400, 'VALIDATION']);
    assert.equal((await me(alice)).avatarUrl, before, 'the picture is the one it was');
    assert.equal((await fetch(h.base + before!)).status, 200);
  });

  test('an erased account takes its picture with it: the bytes are gone from the store', async () => {
    const carol = await h.user('carol');
    assert.equal((await putAvatar(carol, await photo())).status, 200);
    assert.ok(existsSync(storedPicture(carol.user.id)), 'kept while the account lives');
    const erased = await h.http('DELETE', '/users/me', {
      token: carol.accessToken,
      body: { password: 'correct horse battery', messages: 'keep-as-deleted-user' },
    });
    assert.equal(erased.status, 204, JSON.stringify(erased.body));
    assert.equal(existsSync(storedPicture(carol.user.id)), false, 'removed with the account');
  });

  test('removed: the profile has none, and the last URL answers 404', async () => {
    const url = (await me(alice)).avatarUrl!;
    const removed = await h.http<User>('DELETE', '/users/me/avatar', { token: alice.accessToken });
    assert.equal(removed.status, 200);
    assert.equal(removed.body.avatarUrl, null);
    assert.equal((await me(alice)).avatarUrl, null);
    assert.equal((await fetch(h.base + url)).status, 404);
    assert.equal(existsSync(storedPicture(alice.user.id)), false, 'and its bytes are removed');
  });
});

describe('profile changes told live (user:updated)', () => {
  /** Every `user:updated` this socket receives, in order. */
  const updatesOn = (socket: ClientSocket) => {
    const got: User[] = [];
    socket.on('user:updated', (u) => got.push(u));
    return got;
  };

  test('a new name and picture reach the people in a room with them and their other devices, and nobody else', async () => {
    const [dana, eli, fay] = await Promise.all([h.user('dana'), h.user('eli'), h.user('fay')]);
    await h.group(dana, [eli], 'dana and eli');
    await h.group(eli, [fay], 'eli and fay');
    const [toEli, toFay, toDanasPhone] = await Promise.all([
      h.connect(eli.accessToken),
      h.connect(fay.accessToken),
      h.connect(dana.accessToken),
    ]);
    const [eliSaw, faySaw, phoneSaw] = [updatesOn(toEli), updatesOn(toFay), updatesOn(toDanasPhone)];

    const renamed = await h.http<User>('PATCH', '/users/me', { token: dana.accessToken, body: { displayName: 'Dana Scully' } });
    assert.equal(renamed.status, 200);
    await until(() => eliSaw.length === 1 && phoneSaw.length === 1, 5_000, "the rename told to Eli and to Dana's phone");
    assert.deepEqual(eliSaw[0], renamed.body, 'the whole public profile, as /users/me answers it');

    const pictured = await putAvatar(dana, await photo());
    assert.equal(pictured.status, 200);
    await until(() => eliSaw.length === 2, 5_000, 'the new picture told to Eli');
    assert.equal(eliSaw[1]!.avatarUrl, pictured.body.avatarUrl);
    assert.equal(eliSaw[1]!.displayName, 'Dana Scully');

    const removed = await h.http<User>('DELETE', '/users/me/avatar', { token: dana.accessToken });
    assert.equal(removed.status, 200);
    await until(() => eliSaw.length === 3, 5_000, 'the removal told to Eli');
    assert.equal(eliSaw[2]!.avatarUrl, null);

    // Fay shares no room with Dana: she hears of Eli's rename (sent after Dana's three changes, on the same path) and of nothing before it.
    await h.http<User>('PATCH', '/users/me', { token: eli.accessToken, body: { displayName: 'Eli R' } });
    await until(() => faySaw.length === 1, 5_000, "Eli's rename told to Fay");
    assert.deepEqual(
      faySaw.map((u) => [u.id, u.displayName]),
      [[eli.user.id, 'Eli R']],
      "Dana's changes were not told to someone who shares no room with her",
    );

    // A refused change is not told either.
    const refused = await h.http('PATCH', '/users/me', { token: dana.accessToken, body: { displayName: '' } });
    assert.equal(refused.status, 400);
    const zoned = await h.http<User>('PATCH', '/users/me', { token: dana.accessToken, body: { timeZone: 'Europe/Dublin' } });
    assert.equal(zoned.status, 200, JSON.stringify(zoned.body));
    const ofDana = () => eliSaw.filter((u) => u.id === dana.user.id);
    await until(() => ofDana().length === 4, 5_000, 'the time zone change told to Eli');
    assert.equal(ofDana()[3]!.timeZone, 'Europe/Dublin', 'the next change, not the refused one');
    assert.equal(ofDana()[3]!.displayName, 'Dana Scully');
    assert.deepEqual(
      eliSaw.map((u) => u.displayName),
      ['Dana Scully', 'Dana Scully', 'Dana Scully', 'Eli R', 'Dana Scully'],
      "Eli's own rename reached his own device too, in order with Dana's",
    );
  });
});
