import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UploadLinks } from '@qc/shared';
import { UploadLinkCache } from './upload-links';

const link = (id: string, expiresAt: string) => ({ url: `/u/${id}`, thumbnails: {}, expiresAt });

test('ids wanted in one turn go in one request; an id this person may not read resolves null', async () => {
  const asked: string[][] = [];
  const cache = new UploadLinkCache(async (ids): Promise<UploadLinks> => {
    asked.push(ids);
    return { links: Object.fromEntries(ids.filter((id) => id !== 'secret').map((id) => [id, link(id, '2030-01-01T00:00:00Z')])) };
  });
  const [a, b, secret, a2] = await Promise.all([cache.get('a'), cache.get('b'), cache.get('secret'), cache.get('a')]);
  assert.deepEqual(asked, [['a', 'b', 'secret']]);
  assert.equal(a?.url, '/u/a');
  assert.equal(a2?.url, '/u/a');
  assert.equal(b?.url, '/u/b');
  assert.equal(secret, null);
  // Held: no new request.
  assert.equal((await cache.get('b'))?.url, '/u/b');
  assert.equal(asked.length, 1);
  assert.equal(cache.peek('a')?.url, '/u/a');
});

test('a link is asked for again a minute before it ends, and a failed request fails only its batch', async () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  let calls = 0;
  let fail = false;
  const cache = new UploadLinkCache(
    async (ids) => {
      calls++;
      if (fail) throw new Error('offline');
      return { links: Object.fromEntries(ids.map((id) => [id, link(id, '2026-12-01T10:10:00Z')])) };
    },
    () => now,
  );
  await cache.get('x');
  now = Date.parse('2026-12-01T10:08:59Z');
  await cache.get('x');
  assert.equal(calls, 1);
  now = Date.parse('2026-12-01T10:09:01Z');
  assert.equal(cache.peek('x'), null);
  fail = true;
  await assert.rejects(cache.get('x'), /offline/);
  fail = false;
  assert.equal((await cache.get('x'))?.url, '/u/x');
  assert.equal(calls, 3);
});
