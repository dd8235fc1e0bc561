import { z } from 'zod';
import { LIMITS } from './limits';
import type { Attachment } from './schemas';
import { uuid } from './text';

/*
 * Uploads over REST: `POST /uploads?roomId=` (multipart, one part named `file`) answers the
 * upload's Attachment; the send then names it in `attachmentIds`. The bytes are read with a
 * link from `POST /uploads/links`: short-lived and signed for the member who asked, so an
 * <img> can load it without the access token, and it stops working soon after they leave.
 */

export const uploadQuery = z.object({ roomId: uuid }).strict();
export type UploadQuery = z.infer<typeof uploadQuery>;

/** What POST /uploads answers: the upload, ready to go out with a message. */
export type UploadResult = Attachment;

export const uploadLinksBody = z.object({ ids: z.array(uuid).min(1).max(LIMITS.uploadLinksMax) }).strict();
export type UploadLinksBody = z.infer<typeof uploadLinksBody>;

export interface UploadLink {
  /** The file itself (Content-Disposition names it; shown inline only for images). */
  url: string;
  /** Per thumbnail width (px): its URL. Empty for files and for images too small to need one. */
  thumbnails: Record<string, string>;
  /** ISO time after which the URLs are refused; ask again before then. */
  expiresAt: string;
}

/** The links of the uploads asked for that this member may read (others are left out). */
export interface UploadLinks {
  links: Record<string, UploadLink>;
}

/** The signature an upload link carries (`?u=&exp=&sig=`), and a thumbnail's width. */
export const uploadDownloadQuery = z
  .object({
    u: uuid.optional(),
    exp: z.coerce.number().int().positive().optional(),
    /** HMAC-SHA256, base64url: 43 characters. */
    sig: z
      .string()
      .length(43)
      .regex(/^[A-Za-z0-9_-]{43}$/)
      .optional(),
    width: z.coerce.number().int().positive().max(10_000).optional(),
  })
  .strict();
export type UploadDownloadQuery = z.infer<typeof uploadDownloadQuery>;

export const uploadIdParam = z.object({ id: uuid }).strict();
