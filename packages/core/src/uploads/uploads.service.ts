import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pipeline as pipelineCb, Readable } from 'node:stream';
import type { Attachment } from '@qc/shared';
import { AppError } from '../errors';
import { ByteLimit } from '../lib/byte-limit';
import { readHead } from '../lib/read-head';
import { uuidv7 } from '../lib/uuidv7';
import { MediaTooLargeError, type MediaStore } from '../ports/media-store.port';
import { toAttachment, type UploadRecord, type UploadStore } from '../ports/upload-store.port';

import type { RoomsService } from '../services/rooms.service';
import type { ThrottleService } from '../services/throttle.service';
import { makeImageVariants, UnreadableImageError } from './image-variants';
import { classifyUpload, cleanFileName, servedInline, SNIFF_BYTES, sniffMimeType } from './upload-content';

export interface UploadsSettings {
  /** UPLOAD_MAX_BYTES: more and the upload is cut off and refused TOO_LARGE. */
  maxBytes: number;
  /** Signs download links (derived from the server's token secret, so every node agrees). */
  linkSecret: string;
  /** A link works for at least this long and at most twice it (default 10 minutes). */
  linkWindowSeconds?: number;
  /** Images decoded at once; more wait their turn (libvips is CPU-bound, and this machine has few cores). */
  imageConcurrency?: number;
  /** An upload never sent with a message is removed after this long (default a day). */
  unattachedTtlMs?: number;
}

/** One upload link: the user it was made for, when it ends (unix seconds), and its signature. */
export interface UploadLinkGrant {
  upload: UploadRecord;
  userId: string;
  expiresAt: number;
  signature: string;
}

/** The bytes GET /uploads/:id(/thumbnail) sends, and how. */
export interface UploadDownload {
  name: string;
  mimeType: string;
  size: number;
  /** Shown in the page (images) or only downloaded (everything else). */
  inline: boolean;
  body: Readable;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const uploadKey = (id: string) => `uploads/${id}`;
export const thumbnailKey = (id: string, width: number) => `uploads/${id}/thumb-${width}`;

/**
 * Files people send: received streamed into the MediaStore (never whole in memory), typed
 * by their bytes, images re-encoded without metadata; read back only by the uploader, or
 * once sent with a message by the room's members. See DESIGN.md (media, REST: uploads).
 */
/** PostgreSQL's code for a row naming one that is not there. */
const FOREIGN_KEY_VIOLATION = '23503';

export class UploadsService {
  private readonly linkKey: Buffer;
  private readonly window: number;
  private imagesRunning = 0;
  private readonly imagesWaiting: (() => void)[] = [];

  constructor(
    private readonly rooms: Pick<RoomsService, 'requireMember'>,
    private readonly uploads: UploadStore,
    private readonly media: MediaStore,
    private readonly settings: UploadsSettings,
    private readonly now: () => Date = () => new Date(),
    /** Uploads per person per window (ThrottleService); without it (some specs) they are not counted. */
    private readonly throttle: Pick<ThrottleService, 'upload'> | null = null,
  ) {
    this.linkKey = createHmac('sha256', settings.linkSecret).update('qc upload links v1').digest();
    this.window = settings.linkWindowSeconds ?? 600;
  }

  /**
   * Keeps a file sent to a room by one of its members. Refused, with nothing kept: from a
   * non-member (FORBIDDEN), empty (VALIDATION), past the limit (TOO_LARGE, cut off there),
   * of a type not allowed (UNSUPPORTED_TYPE), an image that cannot be decoded (UNSUPPORTED_TYPE).
   */
  async receive(userId: string, roomId: string, file: { stream: Readable; name?: string }): Promise<Attachment> {
    try {
      await this.rooms.requireMember(roomId, userId);
      await this.throttle?.upload(userId);
    } catch (e) {
      file.stream.resume();
      throw e;
    }
    const limited = new ByteLimit(this.settings.maxBytes);
    pipelineCb(file.stream, limited, () => undefined);
    try {
      const { head, body } = await readHead(limited, SNIFF_BYTES);
      if (head.length === 0) throw AppError.validation('the file is empty');
      const content = classifyUpload(await sniffMimeType(head));
      if (!content.allowed) {
        body.destroy();
        throw new AppError('UNSUPPORTED_TYPE', `files of type ${content.detected} cannot be sent here`);
      }
      const id = uuidv7();
      const name = cleanFileName(file.name);
      const record =
        content.kind === 'image'
          ? await this.keepImage(id, body, content.mimeType)
          : {
              ...(await this.media.put(uploadKey(id), body, { contentType: content.mimeType, maxBytes: this.settings.maxBytes })),
              width: null,
              height: null,
              blurhash: null,
              thumbnails: [],
            };
      try {
        const created = await this.uploads.create({
          id,
          roomId,
          uploaderId: userId,
          name,
          mimeType: content.mimeType,
          kind: content.kind,
          ...record,
        });
        return toAttachment(created);
      } catch (e) {
        await this.removeBytes(id, record.thumbnails);
        // The room was deleted while the file came in: its row, which the upload names, is gone.
        if ((e as { code?: string }).code === FOREIGN_KEY_VIOLATION) {
          throw AppError.forbidden('this room was deleted while the file was uploading; nothing was kept');
        }
        throw e;
      }
    } catch (e) {
      limited.destroy();
      if (e instanceof MediaTooLargeError) {
        throw new AppError('TOO_LARGE', `the file is larger than the limit of ${formatBytes(this.settings.maxBytes)}`);
      }
      throw e;
    }
  }

  /** An image: to a temporary file, re-encoded with its thumbnails, those kept, the temporary files removed. */
  private async keepImage(id: string, body: Readable, mimeType: string) {
    const dir = await mkdtemp(path.join(tmpdir(), 'qc-upload-'));
    const kept: number[] = [];
    let original = false;
    try {
      const input = path.join(dir, 'in');
      await pipeline(body, createWriteStream(input));
      const variants = await this.oneImageAtATime(() => makeImageVariants(input, mimeType, path.join(dir, 'out')));
      const size = (await stat(variants.outputPath)).size;
      if (size > this.settings.maxBytes) throw new MediaTooLargeError(this.settings.maxBytes);
      await this.media.put(uploadKey(id), createReadStream(variants.outputPath), {
        contentType: mimeType,
        maxBytes: this.settings.maxBytes,
      });
      original = true;
      for (const [width, bytes] of variants.thumbnails) {
        await this.media.put(thumbnailKey(id, width), Readable.from([bytes]), {
          contentType: 'image/webp',
          maxBytes: this.settings.maxBytes,
        });
        kept.push(width);
      }
      return { size, width: variants.width, height: variants.height, blurhash: variants.blurhash, thumbnails: kept };
    } catch (e) {
      if (original) await this.removeBytes(id, kept);
      if (e instanceof UnreadableImageError)
        throw new AppError('UNSUPPORTED_TYPE', `${e.message}; send it as another format or check the file`);
      throw e;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async oneImageAtATime<T>(work: () => Promise<T>): Promise<T> {
    const limit = this.settings.imageConcurrency ?? 2;
    if (this.imagesRunning >= limit) await new Promise<void>((resolve) => this.imagesWaiting.push(resolve));
    this.imagesRunning++;
    try {
      return await work();
    } finally {
      this.imagesRunning--;
      this.imagesWaiting.shift()?.();
    }
  }

  /**
   * Links to these uploads for this member (the ones they may read; others are left out).
   * A link ends between one and two windows from now: within a window the same upload gets
   * the same link, so the browser's cache keeps the image.
   */
  async links(userId: string, ids: readonly string[]): Promise<UploadLinkGrant[]> {
    const found = await this.uploads.findByIds([...new Set(ids)]);
    const readable = await this.readableBy(userId, found);
    const expiresAt = (Math.floor(this.now().getTime() / 1000 / this.window) + 2) * this.window;
    return readable.map((upload) => ({ upload, userId, expiresAt, signature: this.sign(upload.id, userId, expiresAt) }));
  }

  /** The user a link was made for, if it is genuine and not expired; UNAUTHENTICATED otherwise. */
  verifyLink(id: string, link: { u?: string; exp?: number; sig?: string }): string {
    if (!link.u || !link.exp || !link.sig)
      throw AppError.unauthenticated('this link is incomplete: sign in, or ask the app for a new link');
    const expected = Buffer.from(this.sign(id, link.u, link.exp));
    const given = Buffer.from(link.sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw AppError.unauthenticated('this link is not valid');
    if (link.exp * 1000 < this.now().getTime()) throw AppError.unauthenticated('this link has expired: reload to get a new one');
    return link.u;
  }

  private sign(id: string, userId: string, expiresAt: number): string {
    return createHmac('sha256', this.linkKey).update(`${id}\n${userId}\n${expiresAt}`).digest('base64url');
  }

  /**
   * The upload's bytes (or, with `width`, its thumbnail of that width, falling back to the
   * image itself when it is smaller) for someone who may read it: the uploader, or a member
   * of its room once it went out with a message.
   */
  async open(userId: string, id: string, width?: number): Promise<UploadDownload> {
    const upload = await this.uploads.get(id);
    if (!upload) throw AppError.notFound('upload');
    if ((await this.readableBy(userId, [upload])).length === 0)
      throw AppError.forbidden('you cannot read this file: it was sent to a room you are not in');
    let key = uploadKey(id);
    let mimeType = upload.mimeType;
    if (width !== undefined) {
      if (upload.kind !== 'image') throw AppError.notFound('thumbnail');
      const fit = upload.thumbnails.find((w) => w >= width) ?? upload.thumbnails.at(-1);
      if (fit !== undefined && fit < (upload.width ?? Infinity)) {
        key = thumbnailKey(id, fit);
        mimeType = 'image/webp';
      }
    }
    const object = await this.media.get(key);
    if (!object) throw AppError.notFound('file');
    return { name: upload.name, mimeType, size: object.size, inline: servedInline(mimeType), body: object.body };
  }

  /** Those of `uploads` the user may read: their own, and sent ones in rooms they are a member of. */
  private async readableBy(userId: string, uploads: UploadRecord[]): Promise<UploadRecord[]> {
    const rooms = new Set(uploads.filter((u) => u.uploaderId !== userId && u.messageId).map((u) => u.roomId));
    const memberOf = new Set<string>();
    await Promise.all(
      [...rooms].map((roomId) =>
        this.rooms.requireMember(roomId, userId).then(
          () => memberOf.add(roomId),
          (e: unknown) => {
            if (!(e instanceof AppError && e.code === 'FORBIDDEN')) throw e;
          },
        ),
      ),
    );
    return uploads.filter((u) => u.uploaderId === userId || (u.messageId !== null && memberOf.has(u.roomId)));
  }

  /** Removes uploads never sent with a message and older than a day (their bytes first). Returns how many. */
  async sweep(limit = 500): Promise<number> {
    const before = new Date(this.now().getTime() - (this.settings.unattachedTtlMs ?? DAY_MS));
    const stale = await this.uploads.unattachedBefore(before, limit);
    for (const u of stale) await this.remove(u);
    return stale.length;
  }

  /** Removes a message's files (it was deleted, or its room): bytes and rows. */
  async removeForMessage(messageId: string): Promise<void> {
    for (const u of await this.uploads.listByMessage(messageId)) await this.remove(u);
  }

  /** Everything this person uploaded (their export). */
  listMine(userId: string): Promise<UploadRecord[]> {
    return this.uploads.listByUploader(userId);
  }

  /**
   * An erased account's files: every one (`all`, they chose to remove their messages), or
   * only those never sent (their kept messages keep their files, as they keep their text).
   */
  async eraseMine(userId: string, which: 'all' | 'unsent'): Promise<void> {
    for (const u of await this.uploads.listByUploader(userId)) if (which === 'all' || !u.messageId) await this.remove(u);
  }

  /** A room's files, read before the room is deleted (its rows go with it), for removeBytesOf after. */
  filesOfRoom(roomId: string): Promise<UploadRecord[]> {
    return this.uploads.listByRoom(roomId);
  }

  /** Removes these uploads' bytes (and thumbnails) from the media store. */
  async removeBytesOf(uploads: readonly UploadRecord[]): Promise<void> {
    for (const u of uploads) await this.removeBytes(u.id, u.thumbnails);
  }

  private async remove(u: UploadRecord): Promise<void> {
    await this.removeBytes(u.id, u.thumbnails);
    await this.uploads.delete(u.id);
  }

  private async removeBytes(id: string, thumbnails: readonly number[]): Promise<void> {
    await Promise.all([this.media.delete(uploadKey(id)), ...thumbnails.map((w) => this.media.delete(thumbnailKey(id, w)))]);
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / (1024 * 1024)) * 10) / 10} MB` : `${Math.round(n / 1024)} KB`;
}
