import { promises as fs, readdirSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import expressStaticGzip from 'express-static-gzip';

/*
 * The web app is a static export, so every byte of it is known when the api starts: each
 * text file is compressed once (brotli at its best quality, and gzip for the rest), written
 * beside the original, and `express-static-gzip` picks the variant the browser accepts.
 * Compressing per request instead would redo the same work for every visitor, and brotli's
 * best quality is far too slow for that.
 */

/** Text worth compressing; images and fonts are compressed formats already. */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|txt|json|svg|map|webmanifest)$/i;
/** Below this, a compressed copy saves less than a packet and costs a file. */
const MIN_BYTES = 1024;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const VARIANTS = [
  {
    ext: '.br',
    compress: (buf: Buffer) =>
      brotli(buf, {
        params: {
          [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
        },
      }),
  },
  { ext: '.gz', compress: (buf: Buffer) => gzip(buf, { level: zlib.constants.Z_BEST_COMPRESSION }) },
] as const;

/** Hashed file names (`/assets/...`): a new build writes new names, so a copy never goes stale. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages name the current build's assets: the browser asks again each time (a 304 when unchanged). */
export const REVALIDATE = 'no-cache';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Writes `<file>.br` and `<file>.gz` beside each compressible file of the export that lacks an
 * up-to-date one (so only the first start after a build does the work). Written under a
 * temporary name and renamed, so nodes starting together from one folder never serve half a
 * file. A folder the api may not write to is served uncompressed: slower, not broken.
 */
export async function precompressWebDir(webDir: string): Promise<{ written: number; failed: string | null }> {
  const sources = filesUnder(webDir).filter((f) => COMPRESSIBLE.test(f));
  let written = 0;
  let failed: string | null = null;
  await Promise.all(
    sources.map(async (file) => {
      try {
        const stat = await fs.stat(file);
        if (stat.size < MIN_BYTES) return;
        let content: Buffer | null = null;
        for (const variant of VARIANTS) {
          const target = file + variant.ext;
          const existing = await fs.stat(target).catch(() => null);
          if (existing && existing.mtimeMs >= stat.mtimeMs) continue;
          content ??= await fs.readFile(file);
          const packed = await variant.compress(content);
          // A variant no smaller than the original is not worth a Content-Encoding.
          if (packed.length >= content.length) continue;
          const tmp = `${target}.${process.pid}.tmp`;
          await fs.writeFile(tmp, packed);
          await fs.rename(tmp, target);
          written += 1;
        }
      } catch (e) {
        failed ??= `${path.relative(webDir, file)}: ${e instanceof Error ? e.message : String(e)}`;
      }
    }),
  );
  return { written, failed };
}

/** Judged by the path inside the web folder, so a checkout that happens to sit under some `assets/` folder changes nothing. */
const cacheControlFor = (webDir: string) => (res: ServerResponse, file: string) => {
  const served = path.relative(webDir, file.replace(/\.(?:br|gz)$/, ''));
  if (served.startsWith(`assets${path.sep}`)) res.setHeader('Cache-Control', IMMUTABLE);
  // The service worker too: a browser should pick up a new one on its next visit, not an hour later.
  else if (/\.html$/.test(served) || path.basename(served) === 'sw.js') res.setHeader('Cache-Control', REVALIDATE);
};

/**
 * Serves the export: `/login` is `login.html`, `/` is `index.html`, each in the encoding the
 * browser prefers among those on disk (brotli first), with `Vary: Accept-Encoding`. Call
 * after precompressWebDir: the library lists the compressed files once, when it is made.
 */
export function webStatic(webDir: string): RequestHandler[] {
  // The library finds compressed copies by the exact file path, so a page asked by its
  // extension-less path is named by its file first (serve-static's `extensions` fallback
  // would find the page, but only uncompressed).
  const pages = new Set(
    filesUnder(webDir)
      .filter((f) => f.endsWith('.html'))
      .map(
        (f) =>
          '/' +
          path
            .relative(webDir, f)
            .split(path.sep)
            .join('/')
            .replace(/\.html$/, ''),
      ),
  );
  const pageFile = (req: Request, _res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && pages.has(req.path)) {
      const q = req.url.indexOf('?');
      req.url = `${req.path}.html${q === -1 ? '' : req.url.slice(q)}`;
    }
    next();
  };
  const serve = expressStaticGzip(webDir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: { extensions: ['html'], maxAge: '1h', setHeaders: cacheControlFor(webDir) },
  }) as RequestHandler;
  return [pageFile, serve];
}
