import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * The web app's pages carry an inline `<script>` (the colour scheme, set before the first
 * paint), and static files can have no per-request nonce. Rather than `'unsafe-inline'`,
 * every inline script of the built pages is allowed by its SHA-256 hash, so a script an
 * attacker manages to inject (whose text is not one of ours) does not run. The hashes are
 * read once, when the api starts: rebuild the web app, restart the api.
 *
 * Script data ends at the first `</script` (the HTML parser's rule, case-insensitive), and
 * the browser hashes the text between the tags exactly as served, so a plain scan finds
 * the same text the browser checks.
 */
export function inlineScriptHashes(webDir: string): string[] {
  const hashes = new Set<string>();
  for (const file of htmlFiles(webDir)) {
    const html = readFileSync(file, 'utf8');
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script/gi)) {
      const [, attrs = '', text = ''] = m;
      if (/\bsrc\s*=/i.test(attrs) || text.length === 0) continue;
      hashes.add(`'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`);
    }
  }
  return [...hashes].sort();
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Features this app never uses, denied to it and to anything it might embed. (Browser
 * notifications are a permission, not a Permissions-Policy feature, so web push is untouched.)
 */
const DENIED_FEATURES = [
  'accelerometer',
  'browsing-topics',
  'camera',
  'display-capture',
  'geolocation',
  'gyroscope',
  'hid',
  'idle-detection',
  'magnetometer',
  'microphone',
  'midi',
  'payment',
  'screen-wake-lock',
  'serial',
  'usb',
  'xr-spatial-tracking',
];
export const PERMISSIONS_POLICY = DENIED_FEATURES.map((f) => `${f}=()`).join(', ');

/** 180 days; no `preload`: that is a promise about every subdomain only the operator can make. */
const HSTS = 'max-age=15552000; includeSubDomains';

/**
 * The headers every response gets, pages and API alike. The policy holds the web app to its
 * own origin: scripts are our files and our inline scripts' hashes, styles our stylesheets
 * (the app sets no inline style attribute in its HTML; React sets styles through the CSSOM,
 * which CSP does not govern), and connections our origin, which in CSP Level 3 includes the
 * same host's ws:/wss: for Socket.IO. Images come only from here too (and data:/blob: for
 * previews): pictures are uploaded here, and markdown turns a remote image into a link, so no
 * page makes a reader's browser tell another site it is there. `upgrade-insecure-requests` is left out:
 * it would break a plain-HTTP start on a LAN address, and over TLS everything is same-origin.
 */
export function securityHeaders(opts: { scriptHashes: readonly string[] }): RequestHandler[] {
  const csp = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...opts.scriptHashes],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    xContentTypeOptions: true,
    // Not no-referrer: with it, browsers send `Origin: null` on same-origin POSTs.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Set below, only over TLS: over plain HTTP browsers ignore it, and it would tell a
    // proxy-less LAN start's clients nothing true.
    strictTransportSecurity: false,
  });
  const rest = (req: Request, res: Response, next: NextFunction) => {
    res.setHeader('Permissions-Policy', PERMISSIONS_POLICY);
    // `secure` follows X-Forwarded-Proto only from a proxy we trust (trust proxy: loopback).
    if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
    next();
  };
  return [csp, rest];
}
