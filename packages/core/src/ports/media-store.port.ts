import type { Readable } from 'node:stream';

/*
 * Where uploaded files and their thumbnails live: bytes under a key, nothing else. Who may
 * read them, what they are and which message they belong to is the metadata's business
 * (the uploads table); this port only keeps and hands back bytes, streamed both ways.
 */

/** What `head` and `get` say of a stored object. */
export interface MediaObjectInfo {
  size: number;
  contentType: string;
}

export interface MediaPutOptions {
  /** Stored with the object and handed back by get/head (the sniffed type, never the client's). */
  contentType: string;
  /** More bytes than this and the put fails with MediaTooLargeError, leaving nothing stored. */
  maxBytes: number;
}

export interface MediaStore {
  /**
   * Streams `body` into the object at `key`, replacing any object there. Never holds the
   * whole body in memory (S3: a multipart upload part by part; disk: a temporary file).
   * All or nothing: if the body fails, or passes `maxBytes`, nothing is left under `key`
   * (an earlier object there stays) and nothing half-written lingers. Resolves with the size.
   */
  put(key: string, body: Readable, options: MediaPutOptions): Promise<{ size: number }>;
  /** The object's bytes as a stream with its info, or null when there is none. */
  get(key: string): Promise<(MediaObjectInfo & { body: Readable }) | null>;
  head(key: string): Promise<MediaObjectInfo | null>;
  /** Removes the object; removing what is not there is not an error. */
  delete(key: string): Promise<void>;
}

export const MEDIA_STORE = Symbol('MediaStore');

/** A put whose body passed its limit: nothing was stored. */
export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`the file is larger than the limit of ${maxBytes} bytes`);
    this.name = 'MediaTooLargeError';
  }
}

/**
 * Keys are made by the server (`uploads/<uuid>`, `uploads/<uuid>/thumb-320`), never taken
 * from a request; still, every adapter refuses anything else, so a bug can never write
 * outside its folder or bucket prefix.
 */
const KEY = /^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_.-]*)*$/;
export const MEDIA_KEY_MAX_LENGTH = 200;

export function assertMediaKey(key: string): void {
  if (key.length > MEDIA_KEY_MAX_LENGTH || !KEY.test(key) || key.split('/').some((part) => part === '..' || part.endsWith('.')))
    throw new Error(`not a media key: ${JSON.stringify(key)} (lower-case letters, digits, "-", "_", "." and "/" only)`);
}
