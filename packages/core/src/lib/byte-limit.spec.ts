import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MediaTooLargeError } from '../ports/media-store.port';
import { ByteLimit } from './byte-limit';

/** A source of `total` bytes in 64 KiB chunks that records how much of it was read. */
function source(total: number) {
  let produced = 0;
  const stream = new Readable({
    read() {
      if (produced >= total) return this.push(null);
      const n = Math.min(65_536, total - produced);
      produced += n;
      this.push(Buffer.alloc(n, 1));
    },
  });
  return { stream, produced: () => produced };
}

const sink = () =>
  new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });

describe('ByteLimit', () => {
  it('passes a body up to the limit through whole, and counts it', async () => {
    const limit = new ByteLimit(1_000_000);
    await pipeline(source(1_000_000).stream, limit, sink());
    assert.equal(limit.bytes, 1_000_000);
  });

  it('fails with MediaTooLargeError one byte past the limit', async () => {
    await assert.rejects(pipeline(source(1_000_001).stream, new ByteLimit(1_000_000), sink()), MediaTooLargeError);
  });

  it('stops reading a body far larger than the limit soon after the limit (not at its end)', async () => {
    const big = source(1024 * 1024 * 1024); // "1 GB"
    await assert.rejects(pipeline(big.stream, new ByteLimit(1024 * 1024), sink()), MediaTooLargeError);
    // What was read is the limit plus what the streams' buffers held, nowhere near 1 GB.
    assert.ok(big.produced() < 4 * 1024 * 1024, `read ${big.produced()} bytes`);
  });
});
