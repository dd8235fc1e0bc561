import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';

/** Answers smaller than this go as they are: a header or two would eat what compressing saves. */
export const API_COMPRESSION_THRESHOLD = 1024;

/**
 * Whether an api answer may be compressed. Not the auth routes: the refresh cookie makes them
 * the only ones another site can have a browser call with its credentials, and an access token
 * compressed beside text an attacker chose is what BREACH measures. Everything else needs the
 * bearer token, which no other site can send.
 */
export function mayCompressApiAnswer(originalUrl: string): boolean {
  return !/^\/api\/v1\/auth(\/|\?|$)/.test(originalUrl);
}

/**
 * The api's JSON (a page of history, the room list, search results, the audit export) compressed
 * for slow networks with expressjs/compression: brotli (quality 4, cheap enough per request) or
 * gzip as the client accepts, from 1 KiB. Only compressible types are touched, so uploads
 * (images, archives, files sent as application/octet-stream) stream as stored. The web app's
 * own files are compressed once at start instead (web-static.ts).
 */
export function apiCompression(): RequestHandler {
  return compression({
    threshold: API_COMPRESSION_THRESHOLD,
    filter: (req: Request, res: Response) => mayCompressApiAnswer(req.originalUrl) && compression.filter(req, res),
  });
}
