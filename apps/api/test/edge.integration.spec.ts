import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiHarness, call } from './support/api-harness';

/*
 * Issue #10, the edge: security headers on pages and API answers, and GET /metrics.
 * The api serves a small web folder made here, with inline scripts whose hashes the
 * Content-Security-Policy must carry (the real export's are checked in Chromium by
 * e2e/tests/security-headers.e2e.ts).
 */

const METRICS_TOKEN = 'metrics-token-for-the-spec-0123456789';
const INLINE = ['document.documentElement.dataset.theme="dark"', 'window.boot=[1,"a \\u003c/b\\u003e é"]'];
const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

let h: ApiHarness;
let webDir: string;
before(async () => {
  webDir = mkdtempSync(path.join(tmpdir(), 'qc-web-fixture-'));
  writeFileSync(
    path.join(webDir, 'index.html'),
    `<!DOCTYPE html><html><head><script type="module" crossorigin src="/assets/a.js"></script></head><body><script>${INLINE[0]}</script></body></html>`,
  );
  mkdirSync(path.join(webDir, 'nested'));
  writeFileSync(path.join(webDir, 'nested', 'page.html'), `<html><body><SCRIPT type="text/javascript">${INLINE[1]}</SCRIPT></body></html>`);
  writeFileSync(path.join(webDir, '404.html'), '<html><body>not here</body></html>');
  h = await ApiHarness.start({ WEB_DIR: webDir, METRICS_TOKEN, RATE_LIMIT_MESSAGES_PER_SEC: '100', RATE_LIMIT_MESSAGES_BURST: '100' });
});
after(async () => {
  await h?.stop();
  rmSync(webDir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) => fetch(h.base + url, { headers });

/** The CSP as directive → sources. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy');
  assert.ok(header, `no Content-Security-Policy on ${res.url}`);
  return new Map(
    header.split(';').map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources];
    }),
  );
}

describe('security headers', () => {
  for (const [what, url, status] of [
    ['a page', '/', 200],
    ['a page by its extension-less path', '/nested/page', 200],
    ['the 404 page', '/no/such/page', 404],
    ['an API answer', '/api/v1/health', 200],
    ['an API error', '/api/v1/rooms', 401],
  ] as const) {
    test(`${what} carries the policy and the hardening headers`, async () => {
      const res = await get(url, { accept: 'text/html' });
      assert.equal(res.status, status);
      const policy = csp(res);
      const scripts = policy.get('script-src') ?? [];
      assert.ok(scripts.includes("'self'"));
      for (const text of INLINE) assert.ok(scripts.includes(sha(text)), `script-src lacks the hash of ${text}`);
      assert.ok(!scripts.some((s) => /unsafe/.test(s)), `script-src allows unsafe: ${scripts.join(' ')}`);
      assert.deepEqual(policy.get('script-src-attr'), ["'none'"]);
      assert.deepEqual(policy.get('style-src'), ["'self'"]);
      assert.deepEqual(policy.get('connect-src'), ["'self'"]);
      assert.deepEqual(policy.get('img-src'), ["'self'", 'data:', 'blob:'], 'no image from another site');
      assert.deepEqual(policy.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(policy.get('object-src'), ["'none'"]);
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin');
      const permissions = res.headers.get('permissions-policy') ?? '';
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
        assert.match(permissions, new RegExp(`(^|, )${feature}=\\(\\)(,|$)`), `Permissions-Policy does not deny ${feature}`);
      }
      assert.doesNotMatch(permissions, /notifications/, 'push notifications are for later: not denied here');
      assert.equal(res.headers.get('x-powered-by'), null);
      // Plain HTTP: no HSTS (a browser ignores it there, and the operator has not shown TLS).
      assert.equal(res.headers.get('strict-transport-security'), null);
    });
  }

  test('HSTS is sent when the request came over TLS (through a trusted proxy on loopback)', async () => {
    const res = await get('/api/v1/health', { 'x-forwarded-proto': 'https' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('strict-transport-security') ?? '', /^max-age=\d{7,}; includeSubDomains$/);
  });
});

/** The value of one sample in a Prometheus text exposition: `name` with these labels (any order), or 0 if absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = (m[2] ?? '').split(',').filter(Boolean);
    if (wanted.every((w) => have.includes(w)) && have.length >= wanted.length) return Number(m[3]);
  }
  return 0;
}

async function scrape(): Promise<string> {
  const res = await get('/metrics');
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain;.*\bversion=0\.0\.4\b/);
  return res.text();
}

describe('GET /metrics', () => {
  test('process metrics and this node’s gauges are there', async () => {
    const alice = await h.user('gauge');
    const socket = await h.connect(alice.accessToken);
    const text = await scrape();
    assert.ok(sample(text, 'process_cpu_user_seconds_total') > 0, 'default process metrics missing');
    assert.ok(sample(text, 'qc_sockets_open') >= 1, 'the open socket is not counted');
    assert.match(text, /^qc_room_queue_depth 0$/m);
    socket.disconnect();
  });

  test('a send counts as sent and acked, with a send→commit and a commit→emit sample', async () => {
    const [alice, bob] = [await h.user('alice'), await h.user('bob')];
    const room = await h.group(alice, [bob]);
    const socket = await h.connect(alice.accessToken);
    const before = await scrape();
    const ack = await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'metrics-1', content: 'counted' });
    assert.ok(ack.ok, JSON.stringify(ack));
    const afterSend = await scrape();
    const delta = (name: string) => sample(afterSend, name) - sample(before, name);
    assert.equal(delta('qc_messages_sent_total'), 1);
    assert.equal(delta('qc_messages_acked_total'), 1);
    assert.equal(delta('qc_send_commit_seconds_count'), 1);
    assert.equal(delta('qc_commit_emit_seconds_count'), 1);
    assert.ok(delta('qc_send_commit_seconds_sum') > 0);
    // A retry of the same clientMsgId is acked again but commits nothing new.
    assert.ok((await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'metrics-1', content: 'counted' })).ok);
    const afterRetry = await scrape();
    assert.equal(sample(afterRetry, 'qc_messages_acked_total') - sample(before, 'qc_messages_acked_total'), 2);
    assert.equal(sample(afterRetry, 'qc_send_commit_seconds_count') - sample(before, 'qc_send_commit_seconds_count'), 1);
    socket.disconnect();
  });

  test('refused sends count under their code, and so do REST errors', async () => {
    const [alice, mallory] = [await h.user('owner'), await h.user('mallory')];
    const room = await h.group(alice, []);
    const socket = await h.connect(mallory.accessToken);
    const socketRefusals = (text: string, code: string) => sample(text, 'qc_refusals_total', { code, transport: 'socket' });
    const restRefusals = (text: string, code: string) => sample(text, 'qc_refusals_total', { code, transport: 'rest' });
    const before = await scrape();
    const notMember = await call(socket, 'message:send', { roomId: room.id, clientMsgId: 'm-1', content: 'let me in' });
    assert.equal(notMember.error?.code, 'FORBIDDEN');
    const bad = await call(socket, 'message:send', { roomId: 'not-a-uuid', clientMsgId: 'm-2', content: '' });
    assert.equal(bad.error?.code, 'VALIDATION');
    assert.equal((await h.http('GET', '/rooms')).status, 401);
    assert.equal((await h.http('POST', '/rooms', { token: alice.accessToken, rawBody: '{not json' })).status, 400);
    const after = await scrape();
    assert.equal(socketRefusals(after, 'FORBIDDEN') - socketRefusals(before, 'FORBIDDEN'), 1);
    assert.equal(socketRefusals(after, 'VALIDATION') - socketRefusals(before, 'VALIDATION'), 1);
    assert.equal(restRefusals(after, 'UNAUTHENTICATED') - restRefusals(before, 'UNAUTHENTICATED'), 1);
    assert.equal(restRefusals(after, 'VALIDATION') - restRefusals(before, 'VALIDATION'), 1, 'a body that is not JSON');
    assert.equal(sample(after, 'qc_messages_sent_total') - sample(before, 'qc_messages_sent_total'), 2);
    assert.equal(sample(after, 'qc_messages_acked_total') - sample(before, 'qc_messages_acked_total'), 0, 'a refusal is no ack');
    socket.disconnect();
  });

  test('only this machine may read it, or a scraper with METRICS_TOKEN', async () => {
    // Through a trusted proxy on loopback, the client's address is the forwarded one.
    const outside = { 'x-forwarded-for': '203.0.113.7' };
    const refused = await get('/metrics', outside);
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');
    const wrong = await get('/metrics', { ...outside, authorization: `Bearer ${METRICS_TOKEN.replace(/.$/, 'x')}` });
    assert.equal(wrong.status, 403);
    const withToken = await get('/metrics', { ...outside, authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(withToken.status, 200);
    assert.match(await withToken.text(), /^# TYPE qc_messages_sent_total counter$/m);
    // Not under /api/v1, and not swallowed by the web app's 404 page.
    assert.equal((await get('/api/v1/metrics')).status, 404);
    const htmlAccept = await get('/metrics', { accept: 'text/html,*/*;q=0.1' });
    assert.equal(htmlAccept.status, 200);
  });
});
