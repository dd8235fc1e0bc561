import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { parse } from 'content-disposition';
import type { Attachment, Message, UploadLinks } from '@qc/shared';
import { ApiHarness, call, waitFor, type TestUser } from './support/api-harness';

/*
 * Files over REST and the socket, on the real api (disk media store under the data folder):
 * upload, send, links, download headers, and the security cases issue #13 names.
 */

const LIMIT = 1024 * 1024;
let h: ApiHarness;
let alice: TestUser;
let bob: TestUser;
let mallory: TestUser;
let roomId: string;

before(async () => {
  h = await ApiHarness.start({ UPLOAD_MAX_BYTES: String(LIMIT) });
  [alice, bob, mallory] = await Promise.all([h.user('alice'), h.user('bob'), h.user('mallory')]);
  roomId = (await h.group(alice, [bob], 'files')).id;
});
after(() => h?.stop());

const mediaDir = () => path.join(h.api.config.dataDir, 'media');
async function mediaFiles(): Promise<string[]> {
  const entries = await readdir(mediaDir(), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(mediaDir(), path.join(e.parentPath, e.name)));
}

async function upload(who: TestUser, bytes: Buffer, name: string, room = roomId) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), name);
  const res = await fetch(`${h.base}/api/v1/uploads?roomId=${room}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.accessToken}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Attachment & { error?: { code: string; message: string } } };
}

async function sendWith(who: TestUser, ids: string[], content = '') {
  const socket = await h.connect(who.accessToken);
  const ack = await call(socket, 'message:send', {
    roomId,
    clientMsgId: `m${Date.now()}${Math.random()}`.replace('.', ''),
    content,
    attachmentIds: ids,
  });
  socket.disconnect();
  assert.equal(ack.ok, true, JSON.stringify(ack.error));
  return ack.message as Message;
}

async function linksFor(who: TestUser, ids: string[]) {
  const r = await h.http<UploadLinks>('POST', '/uploads/links', { token: who.accessToken, body: { ids } });
  assert.equal(r.status, 200);
  return r.body.links;
}

const photo = () =>
  sharp({ create: { width: 1600, height: 900, channels: 3, background: '#3366cc' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SpyCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
    .toBuffer();

describe('uploads over REST', () => {
  test('a photo: uploaded, sent, seen live by a member, loaded by its link inline with its thumbnail, cached by ETag', async () => {
    const up = await upload(alice, await photo(), 'beach.jpg');
    assert.equal(up.status, 201);
    assert.deepEqual(
      [up.body.kind, up.body.mimeType, up.body.width, up.body.height, up.body.thumbnails],
      ['image', 'image/jpeg', 1600, 900, [480, 1280]],
    );

    const bobSocket = await h.connect(bob.accessToken);
    const live = waitFor<Message>(bobSocket, 'message:new', (m) => m.roomId === roomId && m.contentType === 'image');
    const sent = await sendWith(alice, [up.body.id], 'the beach');
    assert.deepEqual(sent.attachments, [up.body]);
    assert.deepEqual((await live).attachments, [up.body]);
    bobSocket.disconnect();

    const link = (await linksFor(bob, [up.body.id]))[up.body.id]!;
    assert.ok(Date.parse(link.expiresAt) > Date.now() + 9 * 60_000);
    const res = await fetch(h.base + link.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('content-disposition')!, /^inline; filename="?beach\.jpg"?$/);
    assert.match(res.headers.get('content-security-policy')!, /sandbox/);
    assert.match(res.headers.get('cache-control')!, /^private, max-age=\d+$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(bytes.length, up.body.size);
    assert.equal((await sharp(bytes).metadata()).exif, undefined, 'served without EXIF');
    assert.equal(bytes.includes(Buffer.from('SpyCam')), false);

    const thumb = await fetch(h.base + link.thumbnails['480']!);
    assert.equal(thumb.headers.get('content-type'), 'image/webp');
    assert.equal((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).width, 480);

    const again = await fetch(h.base + link.url, { headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
    // With the access token instead of a link: the same bytes, revalidated each time.
    const withToken = await fetch(`${h.base}/api/v1/uploads/${up.body.id}`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
    assert.equal(withToken.status, 200);
    assert.equal(withToken.headers.get('cache-control'), 'private, no-cache');
    assert.equal(Buffer.from(await withToken.arrayBuffer()).length, up.body.size);
  });

  test('an .html renamed .png and an SVG with a script are only ever downloads, as opaque bytes', async () => {
    const html = await upload(alice, Buffer.from('<html><body><script>alert(document.domain)</script></body></html>'), 'cute-cat.png');
    const svg = await upload(
      alice,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'),
      'logo.svg',
    );
    for (const [up, name] of [
      [html, 'cute-cat.png'],
      [svg, 'logo.svg'],
    ] as const) {
      assert.equal(up.status, 201);
      assert.deepEqual([up.body.kind, up.body.mimeType], ['file', 'application/octet-stream']);
      await sendWith(alice, [up.body.id]);
      const res = await fetch(h.base + (await linksFor(bob, [up.body.id]))[up.body.id]!.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/octet-stream');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(parse(res.headers.get('content-disposition')!).type, 'attachment');
      assert.equal(parse(res.headers.get('content-disposition')!).parameters.filename, name);
      assert.match(res.headers.get('content-security-policy')!, /default-src 'none'.*sandbox/);
      await res.arrayBuffer();
    }
  });

  test("a non-member gets 403 with a token and no link; a forged, someone else's or missing link gets 401", async () => {
    const up = await upload(alice, Buffer.from('secret plans'), 'plans.txt');
    await sendWith(alice, [up.body.id]);
    const asMallory = await fetch(`${h.base}/api/v1/uploads/${up.body.id}`, {
      headers: { authorization: `Bearer ${mallory.accessToken}` },
    });
    assert.equal(asMallory.status, 403);
    assert.equal(((await asMallory.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    assert.deepEqual(await linksFor(mallory, [up.body.id]), {});
    const thumb = await fetch(`${h.base}/api/v1/uploads/${up.body.id}/thumbnail`, {
      headers: { authorization: `Bearer ${mallory.accessToken}` },
    });
    assert.equal(thumb.status, 403);

    const bobs = (await linksFor(bob, [up.body.id]))[up.body.id]!.url;
    const forged = bobs.replace(`u=${bob.user.id}`, `u=${mallory.user.id}`);
    for (const url of [forged, `/api/v1/uploads/${up.body.id}`, bobs.replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43))]) {
      const res = await fetch(h.base + url);
      assert.equal(res.status, 401, url);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    }
    // Bob's link stops working once he leaves the room.
    assert.equal((await fetch(h.base + bobs)).status, 200);
    const left = await h.http('DELETE', `/rooms/${roomId}/members/${bob.user.id}`, { token: bob.accessToken });
    assert.ok(left.status < 300, JSON.stringify(left.body));
    assert.equal((await fetch(h.base + bobs)).status, 403);
    await h.http('POST', `/rooms/${roomId}/members`, { token: alice.accessToken, body: { userId: bob.user.id } });
  });

  test('refused with a code and nothing kept: not multipart, no file part, a program, a non-member, an unknown room', async () => {
    const before = await mediaFiles();
    const plain = await h.http('POST', `/uploads?roomId=${roomId}`, { token: alice.accessToken, body: { file: 'x' } });
    assert.deepEqual([plain.status, (plain.body as { error: { code: string } }).error.code], [400, 'VALIDATION']);
    const form = new FormData();
    form.append('other', 'value');
    const noFile = await fetch(`${h.base}/api/v1/uploads?roomId=${roomId}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.accessToken}` },
      body: form,
    });
    assert.equal(noFile.status, 400);
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(2000, 1)]);
    exe.writeUInt32LE(64, 60);
    const program = await upload(alice, exe, 'invoice.pdf');
    assert.deepEqual([program.status, program.body.error?.code], [415, 'UNSUPPORTED_TYPE']);
    const stranger = await upload(mallory, Buffer.from('hi'), 'hi.txt');
    assert.deepEqual([stranger.status, stranger.body.error?.code], [403, 'FORBIDDEN']);
    const nowhere = await upload(alice, Buffer.from('hi'), 'hi.txt', '01a20792-8333-7000-85fe-754887c65753');
    assert.equal(nowhere.status, 403);
    const noAuth = await fetch(`${h.base}/api/v1/uploads?roomId=${roomId}`, { method: 'POST', body: new FormData() });
    assert.equal(noAuth.status, 401);
    assert.deepEqual(await mediaFiles(), before);
  });

  test('a body claiming 1 GB is cut at the limit: 413 TOO_LARGE, the rest never read, nothing left on disk', async () => {
    const before = await mediaFiles();
    const [{ n: rowsBefore }] = (await h.api.dataSource.query('SELECT count(*)::int AS n FROM uploads')) as [{ n: number }];
    const boundary = 'qcboundary123';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.bin"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const gigabyte = 1024 * 1024 * 1024;
    let written = 0;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${h.base}/api/v1/uploads?roomId=${roomId}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${alice.accessToken}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(head.length + gigabyte),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => {
          // As a browser does on an early answer: stop sending.
          req.destroy();
          resolve({ status: res.statusCode!, body });
        });
      });
      req.on('error', (e) => (written > LIMIT ? undefined : reject(e)));
      req.write(head);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < gigabyte) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    assert.equal(answer.status, 413);
    assert.equal((JSON.parse(answer.body) as { error: { code: string } }).error.code, 'TOO_LARGE');
    assert.ok(written < 64 * LIMIT, `the client got to write ${written} bytes of 1 GB before the server stopped it`);
    assert.deepEqual(await mediaFiles(), before, 'nothing on disk, not even in .partial');
    const [{ n: rowsAfter }] = (await h.api.dataSource.query('SELECT count(*)::int AS n FROM uploads')) as [{ n: number }];
    assert.equal(rowsAfter, rowsBefore);
    // The server is still up and answering.
    assert.equal((await upload(alice, Buffer.from('still here'), 'ok.txt')).status, 201);
  });
});
