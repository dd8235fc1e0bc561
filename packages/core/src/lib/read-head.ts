import { Readable } from 'node:stream';

/**
 * Reads the first `bytes` of a stream (fewer if it ends sooner) without losing them: the
 * answer's `body` yields the head and then the rest, still streamed. What a file is can be
 * sniffed from its head before deciding where its bytes go.
 */
export async function readHead(source: Readable, bytes: number): Promise<{ head: Buffer; body: Readable }> {
  const it = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    chunks.push(next.value);
    length += next.value.length;
  }
  const all = Buffer.concat(chunks);
  async function* rest(): AsyncGenerator<Buffer> {
    if (all.length > 0) yield all;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: all.subarray(0, bytes), body: Readable.from(rest(), { objectMode: false }) };
}
