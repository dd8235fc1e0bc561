import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { AppError } from '@qc/core';

export interface IncomingFile {
  stream: Readable;
  /** The name the client gave it (unsafe until cleaned: core's cleanFileName). */
  name?: string;
}

/**
 * Reads a multipart/form-data body with busboy, streaming: the part named `field` goes to
 * `handle` as it arrives (never buffered whole), other parts are skipped. Exactly one such
 * part is expected. When `handle` refuses early (too large, wrong type, not a member),
 * reading stops and the connection closes after the answer, so a client cannot make the
 * server read a body it has already refused.
 */
/** After refusing a body, what is still read and thrown away so that the client sees the answer. */
const LINGER_MS = 2000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * A refused upload's connection, cut soon: its body is read and thrown away for a moment
 * first (at most LINGER_MS or LINGER_BYTES), as nginx's lingering close does, because a
 * connection closed while the client is still sending is reset, and the client then sees a
 * broken pipe instead of the 413 or 415 that says why.
 */
function lingerThenCut(req: Request): void {
  let drained = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > LINGER_BYTES) cut();
  });
  req.once('end', () => clearTimeout(timer));
  req.socket.once('close', () => clearTimeout(timer));
  req.resume();
}

export function receiveOneFile<T>(req: Request, field: string, maxBytes: number, handle: (file: IncomingFile) => Promise<T>): Promise<T> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type)) {
    return Promise.reject(AppError.validation(`send the file as multipart/form-data, in a part named "${field}"`));
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // Our own limit (core's ByteLimit) refuses the file; busboy's stops reading one byte past it either way.
      limits: { files: 1, fileSize: maxBytes + 1, fields: 10, fieldSize: 1024, parts: 20, headerPairs: 50 },
    });
  } catch {
    return Promise.reject(AppError.validation('the multipart body has no boundary: send it as multipart/form-data'));
  }
  return new Promise<T>((resolve, reject) => {
    let started: Promise<T> | null = null;
    let settled = false;
    const stop = (e: unknown) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      lingerThenCut(req);
      reject(e);
    };
    bb.on('file', (name, stream, info) => {
      if (name !== field || started) {
        stream.resume();
        return;
      }
      started = handle({ stream, name: info.filename });
      started.then(
        (v) => {
          if (settled) return;
          settled = true;
          resolve(v);
        },
        stop,
      );
    });
    bb.on('error', () => stop(AppError.validation('the multipart body could not be read (cut short or malformed)')));
    bb.on('close', () => {
      if (!started) stop(AppError.validation(`no file: send it in a part named "${field}"`));
    });
    req.on('aborted', () => stop(AppError.validation('the upload was cancelled')));
    req.pipe(bb);
  });
}
