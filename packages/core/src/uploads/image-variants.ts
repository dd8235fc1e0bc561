import sharp from 'sharp';
import { encode } from 'blurhash';

/*
 * What an uploaded image becomes: re-encoded in its own format by sharp (libvips) with
 * every metadata block dropped (EXIF with GPS position, XMP, IPTC, comments) after turning
 * it upright by its EXIF orientation; thumbnails at two widths; a blurhash placeholder.
 * Re-encoding, not only stripping, also drops anything smuggled after the image data.
 */

/** Thumbnail widths, px: the timeline's preview (1× and 2× of a ~360 px column) and a phone-sized view. */
export const THUMBNAIL_WIDTHS = [480, 1280] as const;

/** More pixels than this (e.g. 8000 × 5000) is refused before decoding: a small file can claim a huge canvas. */
export const MAX_INPUT_PIXELS = 40_000_000;

/** Each image type re-encoded in its own format. */
const ENCODE_AS: Record<string, (img: sharp.Sharp) => sharp.Sharp> = {
  // libjpeg-turbo, not mozjpeg: mozjpeg saves ~10 % of bytes at several times the CPU, on the send path.
  'image/jpeg': (img) => img.jpeg({ quality: 85 }),
  'image/png': (img) => img.png(),
  'image/webp': (img) => img.webp(),
  'image/gif': (img) => img.gif(),
  'image/avif': (img) => img.avif(),
};

export interface ImageVariants {
  width: number;
  height: number;
  blurhash: string;
  /** The re-encoded image, as a file beside the input. */
  outputPath: string;
  /** Width → the thumbnail's WebP bytes, only widths narrower than the image. */
  thumbnails: Map<number, Buffer>;
}

/** The image could not be decoded (corrupt, truncated, or over MAX_INPUT_PIXELS). */
export class UnreadableImageError extends Error {
  constructor(cause: unknown) {
    super(`could not read the image: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'UnreadableImageError';
  }
}

/** Makes the variants of the image at `inputPath` (of sniffed type `mimeType`), writing the re-encoded one to `outputPath`. */
export async function makeImageVariants(inputPath: string, mimeType: string, outputPath: string): Promise<ImageVariants> {
  const encodeAs = ENCODE_AS[mimeType];
  if (!encodeAs) throw new UnreadableImageError(`${mimeType} is not an image type we re-encode`);
  const animated = mimeType === 'image/gif' || mimeType === 'image/webp';
  const open = (all: boolean) => sharp(inputPath, { limitInputPixels: MAX_INPUT_PIXELS, animated: all, failOn: 'error' });
  try {
    const meta = await open(animated).metadata();
    // Upright by EXIF orientation; sharp writes no metadata unless asked (withMetadata), so none is kept.
    const upright = (img: sharp.Sharp) => (meta.orientation && meta.orientation > 1 ? img.rotate() : img);
    const out = await encodeAs(upright(open(animated))).toFile(outputPath);
    const width = out.width;
    const height = meta.pageHeight && (meta.pages ?? 1) > 1 ? meta.pageHeight : out.height;
    const thumbnails = new Map<number, Buffer>();
    for (const w of THUMBNAIL_WIDTHS) {
      if (w >= width) continue;
      thumbnails.set(w, await upright(open(false)).resize({ width: w }).webp({ quality: 80 }).toBuffer());
    }
    const small = await upright(open(false)).resize(32, 32, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const blurhash = encode(new Uint8ClampedArray(small.data), small.info.width, small.info.height, 4, 3);
    return { width, height, blurhash, outputPath, thumbnails };
  } catch (e) {
    throw new UnreadableImageError(e);
  }
}
