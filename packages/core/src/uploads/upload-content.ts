/*
 * What an upload is, decided from its bytes (file-type's magic numbers), never from the
 * name or the type the client claimed. Images we can re-encode are shown inline; the
 * other allowed types are offered as downloads; what is recognised and not allowed
 * (programs, scripts' archives the browser would run) is refused. Bytes file-type does
 * not recognise (plain text, CSV, source code, HTML, SVG) are kept as
 * application/octet-stream and only ever downloaded, so nothing uploaded can run in the
 * app's origin.
 */

/** Enough of the head for every type file-type knows, zip-based office documents included. */
export const SNIFF_BYTES = 64 * 1024;

/** Re-encoded with sharp (metadata stripped), thumbnailed, shown inline. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif']);

/** Kept as they are and offered as downloads (with the sniffed type). */
const FILE_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'application/zip',
  'application/gzip',
  'application/x-tar',
  'application/x-7z-compressed',
  'application/x-bzip2',
  'application/x-xz',
  'application/vnd.rar',
  'application/x-rar-compressed',
  'application/epub+zip',
  'application/rtf',
  'application/x-cfb', // .doc, .xls, .ppt
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/vnd.adobe.photoshop',
  'audio/mpeg',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/vnd.wave',
  'audio/x-wav',
  'audio/flac',
  'audio/x-flac',
  'audio/aac',
  'audio/mp4',
  'audio/x-m4a',
  'audio/webm',
  'video/mp4',
  'video/webm',
  'video/quicktime',
  'video/x-matroska',
  'video/ogg',
  'font/woff',
  'font/woff2',
  'font/ttf',
  'font/otf',
]);

/** Markup file-type may name: kept, but as opaque bytes (an SVG or an HTML page can carry script). */
const OPAQUE_TYPES: ReadonlySet<string> = new Set(['application/xml', 'text/xml', 'image/svg+xml', 'text/html']);

export const OPAQUE = 'application/octet-stream';

export type UploadContent = { allowed: true; kind: 'image' | 'file'; mimeType: string } | { allowed: false; detected: string };

/** How to keep an upload whose head file-type sniffed as `detected` (undefined: not recognised). */
export function classifyUpload(detected: string | undefined): UploadContent {
  if (!detected || OPAQUE_TYPES.has(detected)) return { allowed: true, kind: 'file', mimeType: OPAQUE };
  if (IMAGE_TYPES.has(detected)) return { allowed: true, kind: 'image', mimeType: detected };
  if (FILE_TYPES.has(detected)) return { allowed: true, kind: 'file', mimeType: detected };
  return { allowed: false, detected };
}

/** The type file-type finds in these first bytes, or undefined. file-type is ESM only, hence the dynamic import. */
export async function sniffMimeType(head: Uint8Array): Promise<string | undefined> {
  const { fileTypeFromBuffer } = await import('file-type');
  return (await fileTypeFromBuffer(head))?.mime;
}

/** Whether a browser may show it in the page (`inline`); anything else is only downloaded. */
export function servedInline(mimeType: string): boolean {
  return IMAGE_TYPES.has(mimeType);
}

/**
 * A file name safe to store, show and put in Content-Disposition: its last path part,
 * without control or bidirectional-override characters (which can disguise `gpj.exe` as
 * `exe.jpg`), at most 200 characters; `file` if nothing is left.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim();
  const name = clean === '.' || clean === '..' ? '' : clean;
  return Array.from(name).slice(0, 200).join('') || 'file';
}
