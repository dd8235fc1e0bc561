import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import type { MyRoom } from '@qc/shared';
import { API_COMPRESSION_THRESHOLD, mayCompressApiAnswer } from '../src/common/http/api-compression';
import { ApiHarness, call, type TestUser } from './support/api-harness';

/*
 * The api's JSON compressed for slow networks (a page of history is the first thing a phone
 * waits for when a room opens): brotli or gzip as asked, nothing for a client that does not
 * ask, nothing for answers too small to gain, never the cookie-authenticated auth routes.
 */

let h: ApiHarness;
let alice: TestUser;
let room: MyRoom;

before(async () => {
  h = await ApiHarness.start();
  alice = await h.user('alice');
  const made = await h.http<MyRoom>('POST', '/rooms', { token: alice.accessToken, body: { kind: 'channel', name: `zip-${process.pid}` } });
  assert.equal(made.status, 201);
  room = made.body;
  const socket = await h.connect(alice.accessToken);
  for (let i = 0; i < 20; i += 1) {
    const sent = await call(socket, 'message:send', {
      roomId: room.id,
      clientMsgId: `zip-${i}`,
      content: `message ${i}: the same words again and again, as a conversation has them`,
    });
    assert.equal(sent.ok, true, JSON.stringify(sent));
  }
});
after(() => h?.stop());

/** The raw answer, body undecoded (fetch would decompress it and hide what was sent). */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${h.base}/api/v1${url}`, { headers: { authorization: `Bearer ${alice.accessToken}`, ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('api answers compressed', () => {
  test('a page of history comes brotli- or gzip-compressed as asked, the same JSON once decoded, and plain to a client that does not ask', async () => {
    const history = `/rooms/${room.id}/messages?limit=50`;
    const plain = await get(history, {});
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.length > 4 * API_COMPRESSION_THRESHOLD, `a page big enough to matter (${plain.body.length} bytes)`);
    const expected = JSON.parse(plain.body.toString('utf8')) as unknown;

    const br = await get(history, { 'accept-encoding': 'br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.match(String(br.headers.vary), /accept-encoding/i, 'caches keep the encodings apart');
    assert.deepEqual(JSON.parse(zlib.brotliDecompressSync(br.body).toString('utf8')), expected);
    assert.ok(br.body.length * 3 < plain.body.length, `brotli ${br.body.length} bytes against ${plain.body.length}`);

    const gz = await get(history, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(zlib.gunzipSync(gz.body).toString('utf8')), expected);
  });

  test('an answer under the threshold goes as it is', async () => {
    const small = await get(`/rooms/${room.id}/receipts`, { 'accept-encoding': 'br, gzip' });
    assert.equal(small.status, 200);
    assert.ok(small.body.length < API_COMPRESSION_THRESHOLD, `small (${small.body.length} bytes)`);
    assert.equal(small.headers['content-encoding'], undefined);
  });

  test('the auth routes are never compressed (BREACH), everything else may be', () => {
    for (const url of ['/api/v1/auth/refresh', '/api/v1/auth/login', '/api/v1/auth', '/api/v1/auth?x=1']) {
      assert.equal(mayCompressApiAnswer(url), false, url);
    }
    for (const url of ['/api/v1/rooms', '/api/v1/authors', '/api/v1/admin/audit/export?format=csv', '/api/v1/search?q=auth']) {
      assert.equal(mayCompressApiAnswer(url), true, url);
    }
  });
});
