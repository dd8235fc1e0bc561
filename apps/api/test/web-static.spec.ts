import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { ApiHarness } from './support/api-harness';

/*
 * Issue #12: the web app's files, as a browser gets them from the api. A small export made
 * here (a hashed chunk under /assets, pages); the api compresses
 * them when it starts. The real export's are checked in Chromium by e2e/tests/looks.e2e.ts.
 */

const CHUNK = '/assets/page-CmOW758J.js';
const chunkText = `self.chunk=[${Array.from({ length: 400 }, (_, i) => `"line ${i}"`).join(',')}];`;
const page = (title: string) =>
  `<!DOCTYPE html><html><head><title>${title}</title><script type="module" crossorigin src="${CHUNK}"></script></head><body>${'<p>words</p>'.repeat(200)}</body></html>`;

let h: ApiHarness;
let webDir: string;
before(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), 'qc-web-static-'));
  mkdirSync(path.join(webDir, path.dirname(CHUNK)), { recursive: true });
  writeFileSync(path.join(webDir, CHUNK), chunkText);
  writeFileSync(path.join(webDir, 'index.html'), page('home'));
  writeFileSync(path.join(webDir, 'login.html'), page('sign in'));
  writeFileSync(path.join(webDir, '404.html'), '<html><body>not here</body></html>');
  writeFileSync(path.join(webDir, 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  h = await ApiHarness.start({ WEB_DIR: webDir });
});
after(async () => {
  await h?.stop();
  rmSync(webDir, { recursive: true, force: true });
});

/** The raw answer, body undecoded (fetch would decompress it and hide what was sent). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(h.base + url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

const varies = (headers: IncomingHttpHeaders) => /(^|,\s*)accept-encoding(\s*,|$)/i.test(String(headers.vary ?? ''));

describe('hashed assets', () => {
  test('a chunk asked with Accept-Encoding: br comes brotli-compressed, cached for a year as immutable', async () => {
    const res = await get(CHUNK, { 'accept-encoding': 'br' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(varies(res.headers), `Vary: ${res.headers.vary}`);
    assert.match(String(res.headers['content-type']), /^(application|text)\/javascript; charset=utf-8$/i);
    assert.ok(res.body.length < chunkText.length / 3, `${res.body.length} bytes for ${chunkText.length}`);
    assert.equal(zlib.brotliDecompressSync(res.body).toString('utf8'), chunkText);
  });

  test('brotli is preferred when both are accepted; gzip for a browser without brotli; identity for one that asks nothing', async () => {
    const both = await get(CHUNK, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(both.headers['content-encoding'], 'br');
    const gz = await get(CHUNK, { 'accept-encoding': 'gzip' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.ok(varies(gz.headers));
    assert.equal(zlib.gunzipSync(gz.body).toString('utf8'), chunkText);
    const plain = await get(CHUNK, { 'accept-encoding': 'identity' });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.body.toString('utf8'), chunkText);
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  });

  test('the compressed copies were written beside the originals when the api started', () => {
    assert.ok(existsSync(path.join(webDir, `${CHUNK}.br`)));
    assert.ok(existsSync(path.join(webDir, `${CHUNK}.gz`)));
    // Too small to be worth it: served as it is.
    assert.ok(!existsSync(path.join(webDir, 'icon.svg.br')));
  });
});

describe('pages', () => {
  for (const [what, url, title] of [
    ['the home page', '/', 'home'],
    ['a page by its path', '/login', 'sign in'],
    ['a page by its file name', '/login.html', 'sign in'],
  ] as const) {
    test(`${what} is revalidated on every visit (no-cache) and comes compressed`, async () => {
      const res = await get(url, { 'accept-encoding': 'gzip, br', accept: 'text/html' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.equal(res.headers['content-encoding'], 'br');
      assert.ok(varies(res.headers));
      assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8$/i);
      assert.match(zlib.brotliDecompressSync(res.body).toString('utf8'), new RegExp(`<title>${title}</title>`));
    });
  }

  test('a query string does not stop a page being found; unknown pages still get the 404 page', async () => {
    const res = await get('/login?next=%2Fchat', { accept: 'text/html' });
    assert.equal(res.status, 200);
    assert.match(res.body.toString('utf8'), /<title>sign in<\/title>/);
    const missing = await get('/no/such/page', { accept: 'text/html' });
    assert.equal(missing.status, 404);
    assert.match(missing.body.toString('utf8'), /not here/);
  });

  test('other files keep a short cache', async () => {
    const res = await get('/icon.svg', { 'accept-encoding': 'br' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.headers['cache-control'], 'public, max-age=3600');
  });
});
