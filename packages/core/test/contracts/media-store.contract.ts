import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { MediaTooLargeError, type MediaStore } from '../../src/ports/media-store.port';

export interface MediaStoreFixture {
  store: MediaStore;
  /** What a failed or finished put may have left behind (disk: partial files; S3: unfinished multipart uploads). */
  leftovers(): Promise<number>;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** `total` bytes of a repeatable pattern in 64 KiB chunks; `failAt` makes the stream error there. */
function bytes(total: number, { failAt }: { failAt?: number } = {}) {
  let produced = 0;
  const hash = createHash('sha256');
  const stream = new Readable({
    read() {
      if (failAt !== undefined && produced >= failAt) {
        this.destroy(new Error('the client went away'));
        return;
      }
      if (produced >= total) {
        this.push(null);
        return;
      }
      const n = Math.min(65_536, total - produced);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i += 1) chunk[i] = (produced + i) % 251;
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, produced: () => produced, sha256: () => hash.digest('hex') };
}

async function readAll(body: Readable): Promise<{ size: number; sha256: string; text: string }> {
  const hash = createHash('sha256');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    hash.update(b);
    if (size <= 1024) chunks.push(b);
  }
  return { size, sha256: hash.digest('hex'), text: Buffer.concat(chunks).toString('utf8') };
}

/** Every MediaStore adapter must pass this suite against its real engine. */
export function mediaStoreContract(name: string, open: () => Promise<MediaStoreFixture>) {
  describe(`MediaStore contract: ${name}`, () => {
    let f: MediaStoreFixture;
    before(async () => {
      f = await open();
    });
    after(async () => f?.close());

    const key = (suffix = '') => `test/${randomUUID()}${suffix}`;

    test('a body of several parts goes in and comes back byte for byte, with its type and size', async () => {
      const k = key();
      const body = bytes(7 * MiB + 123);
      const { size } = await f.store.put(k, body.stream, { contentType: 'image/png', maxBytes: 25 * MiB });
      assert.equal(size, 7 * MiB + 123);
      assert.deepEqual(await f.store.head(k), { size: 7 * MiB + 123, contentType: 'image/png' });
      const got = await f.store.get(k);
      assert.ok(got);
      assert.equal(got.size, 7 * MiB + 123);
      assert.equal(got.contentType, 'image/png');
      const read = await readAll(got.body);
      assert.equal(read.size, 7 * MiB + 123);
      assert.equal(read.sha256, body.sha256());
      assert.equal(await f.leftovers(), 0);
    });

    test('a small body, exactly at the limit, is kept', async () => {
      const k = key();
      await f.store.put(k, Readable.from([Buffer.from('hello, '), Buffer.from('world')]), { contentType: 'text/plain', maxBytes: 12 });
      const got = await f.store.get(k);
      assert.ok(got);
      assert.equal((await readAll(got.body)).text, 'hello, world');
    });

    test('nothing there: get and head say null; a delete of nothing is fine', async () => {
      const k = key();
      assert.equal(await f.store.get(k), null);
      assert.equal(await f.store.head(k), null);
      await f.store.delete(k);
    });

    test('a put replaces what was there; an object and one "inside" it live side by side', async () => {
      const k = key();
      await f.store.put(k, Readable.from([Buffer.from('first')]), { contentType: 'text/plain', maxBytes: 100 });
      await f.store.put(`${k}/thumb-320`, Readable.from([Buffer.from('thumb')]), { contentType: 'image/webp', maxBytes: 100 });
      await f.store.put(k, Readable.from([Buffer.from('second!')]), { contentType: 'text/markdown', maxBytes: 100 });
      const main = await f.store.get(k);
      assert.ok(main);
      assert.equal(main.contentType, 'text/markdown');
      assert.equal((await readAll(main.body)).text, 'second!');
      const thumb = await f.store.get(`${k}/thumb-320`);
      assert.ok(thumb);
      assert.equal((await readAll(thumb.body)).text, 'thumb');
    });

    test('delete removes the object and leaves the others', async () => {
      const k = key();
      await f.store.put(k, Readable.from([Buffer.from('x')]), { contentType: 'text/plain', maxBytes: 10 });
      await f.store.put(`${k}/thumb-64`, Readable.from([Buffer.from('y')]), { contentType: 'image/webp', maxBytes: 10 });
      await f.store.delete(k);
      assert.equal(await f.store.head(k), null);
      assert.equal(await f.store.get(k), null);
      assert.deepEqual(await f.store.head(`${k}/thumb-64`), { size: 1, contentType: 'image/webp' });
    });

    test('a body past the limit fails MediaTooLargeError and stores nothing; the object already there stays', async () => {
      const k = key();
      await f.store.put(k, Readable.from([Buffer.from('the old one')]), { contentType: 'text/plain', maxBytes: 100 });
      await assert.rejects(f.store.put(k, bytes(3 * MiB).stream, { contentType: 'image/png', maxBytes: 1 * MiB }), MediaTooLargeError);
      const kept = await f.store.get(k);
      assert.ok(kept);
      assert.equal((await readAll(kept.body)).text, 'the old one');
      const fresh = key();
      await assert.rejects(f.store.put(fresh, bytes(6 * MiB).stream, { contentType: 'image/png', maxBytes: 5 * MiB + 1 }), MediaTooLargeError);
      assert.equal(await f.store.head(fresh), null);
      assert.equal(await f.leftovers(), 0);
    });

    test('a body claiming 1 GB is cut at the limit: read only a little past it, nothing stored', async () => {
      const k = key();
      const huge = bytes(1024 * MiB);
      await assert.rejects(f.store.put(k, huge.stream, { contentType: 'video/mp4', maxBytes: 2 * MiB }), MediaTooLargeError);
      // The limit plus at most what the adapter holds in flight (S3: its parts), not the gigabyte.
      assert.ok(huge.produced() < 32 * MiB, `read ${(huge.produced() / MiB).toFixed(1)} MiB of it`);
      assert.equal(await f.store.head(k), null);
      assert.equal(await f.leftovers(), 0);
    });

    test('a body that fails half-way (the client went away) stores nothing', async () => {
      const k = key();
      await assert.rejects(f.store.put(k, bytes(8 * MiB, { failAt: 6 * MiB }).stream, { contentType: 'image/png', maxBytes: 25 * MiB }), /went away/);
      assert.equal(await f.store.head(k), null);
      assert.equal(await f.leftovers(), 0);
    });

    test('keys that could reach outside the store are refused before anything is written', async () => {
      for (const bad of ['../escape', '/absolute', 'test/../../escape', 'Upper/case', '', 'test//double', 'test/', 'test/a..']) {
        await assert.rejects(
          f.store.put(bad, Readable.from([Buffer.from('x')]), { contentType: 'text/plain', maxBytes: 10 }),
          /not a media key/,
          `put ${JSON.stringify(bad)}`,
        );
        await assert.rejects(f.store.get(bad), /not a media key/, `get ${JSON.stringify(bad)}`);
      }
      assert.equal(await f.leftovers(), 0);
    });

    test('puts side by side do not mix', async () => {
      const keys = [key(), key(), key()];
      const bodies = keys.map((_, i) => bytes(1 * MiB + i * 1000));
      await Promise.all(keys.map((k, i) => f.store.put(k, bodies[i]!.stream, { contentType: 'application/pdf', maxBytes: 25 * MiB })));
      for (const [i, k] of keys.entries()) {
        const got = await f.store.get(k);
        assert.ok(got);
        assert.equal((await readAll(got.body)).sha256, bodies[i]!.sha256());
      }
    });
  });
}
