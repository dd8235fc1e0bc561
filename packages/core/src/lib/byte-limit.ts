import { Transform, type TransformCallback } from 'node:stream';
import { MediaTooLargeError } from '../ports/media-store.port';

/**
 * A pass-through that counts bytes and fails with MediaTooLargeError the moment the count
 * passes `maxBytes`, so a body that claims to be small but is not (a 1 GB upload against a
 * 25 MB limit) is cut at the limit, not read to its end.
 */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(new MediaTooLargeError(this.maxBytes));
      return;
    }
    callback(null, chunk);
  }
}
