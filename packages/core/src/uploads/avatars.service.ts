import { createHash } from 'node:crypto';
import { pipeline as pipelineCb, Readable } from 'node:stream';
import sharp from 'sharp';
import { AVATAR_MAX_BYTES, AVATAR_SIZE_PX, avatarUrlOf, type User } from '@qc/shared';
import { AppError } from '../errors';
import { ByteLimit } from '../lib/byte-limit';
import { readHead } from '../lib/read-head';
import { MediaTooLargeError, type MediaStore } from '../ports/media-store.port';
import type { MetadataStore } from '../ports/metadata.port';
import { toPublicUser } from '../services/users.service';
import type { ProfileAnnouncer } from '../services/profile-announcer';
import type { ThrottleService } from '../services/throttle.service';
import { MAX_INPUT_PIXELS } from './image-variants';
import { classifyUpload, SNIFF_BYTES, sniffMimeType } from './upload-content';

/** One picture per person, replaced in place: its URL's version changes, its key does not. */
export const avatarKey = (userId: string) => `avatars/${userId}.webp`;

/** The bytes GET /avatars/:userId?v= sends. */
export interface AvatarDownload {
  size: number;
  body: Readable;
}

/**
 * People's pictures (see @qc/shared avatars.ts): an uploaded image, typed by its bytes,
 * turned upright, cropped to a centred square of AVATAR_SIZE_PX and re-encoded as WebP
 * with no metadata (a phone photo's GPS position never leaves the server), kept in the
 * MediaStore under the person's id. Its URL carries a version made from the bytes, and
 * only the current version is served: a picture replaced or removed is gone at once, and
 * a URL cannot be guessed from a person's id.
 */
export class AvatarsService {
  constructor(
    private readonly meta: Pick<MetadataStore, 'findUserById' | 'updateUser'>,
    private readonly media: MediaStore,
    /** Counted with uploads (UPLOADS_PER_PERSON), so pictures cannot fill the disk either. */
    private readonly throttle: Pick<ThrottleService, 'upload'> | null = null,
    /** Others on screen see the new picture at once (`user:updated`). */
    private readonly announcer: Pick<ProfileAnnouncer, 'announce'> | null = null,
  ) {}

  /**
   * Makes the picture of `file` this person's. Refused with nothing changed: empty
   * (VALIDATION), over AVATAR_MAX_BYTES (TOO_LARGE, cut off there), not an image we decode
   * or undecodable (UNSUPPORTED_TYPE).
   */
  async set(userId: string, file: { stream: Readable }): Promise<User> {
    try {
      await this.requireActive(userId);
      await this.throttle?.upload(userId);
    } catch (e) {
      file.stream.resume();
      throw e;
    }
    const limited = new ByteLimit(AVATAR_MAX_BYTES);
    pipelineCb(file.stream, limited, () => undefined);
    let picture: Buffer;
    try {
      const { head, body } = await readHead(limited, SNIFF_BYTES);
      if (head.length === 0) throw AppError.validation('the file is empty');
      const content = classifyUpload(await sniffMimeType(head));
      if (!content.allowed || content.kind !== 'image') {
        body.destroy();
        const what = content.allowed ? content.mimeType : content.detected;
        throw new AppError('UNSUPPORTED_TYPE', `a picture must be a JPEG, PNG, WebP, GIF or AVIF image, not ${what}`);
      }
      picture = await squarePicture(await readAll(body));
    } catch (e) {
      limited.destroy();
      if (e instanceof AppError) throw e;
      if (e instanceof MediaTooLargeError) {
        throw new AppError('TOO_LARGE', `a picture may be at most ${AVATAR_MAX_BYTES / (1024 * 1024)} MB`);
      }
      throw new AppError('UNSUPPORTED_TYPE', 'this image could not be read; send it as another format or check the file');
    }
    const version = createHash('sha256').update(picture).digest('hex').slice(0, 16);
    await this.media.put(avatarKey(userId), Readable.from([picture]), { contentType: 'image/webp', maxBytes: AVATAR_MAX_BYTES });
    const updated = await this.meta.updateUser(userId, { avatarUrl: avatarUrlOf(userId, version) });
    if (!updated) {
      await this.media.delete(avatarKey(userId));
      throw AppError.unauthenticated('account no longer exists');
    }
    const user = toPublicUser(updated);
    await this.announcer?.announce(user);
    return user;
  }

  /** No picture any more: the initials show again, and the bytes are removed. */
  async remove(userId: string): Promise<User> {
    const updated = await this.meta.updateUser(userId, { avatarUrl: null });
    if (!updated) throw AppError.unauthenticated('account no longer exists');
    await this.media.delete(avatarKey(userId));
    const user = toPublicUser(updated);
    await this.announcer?.announce(user);
    return user;
  }

  /** The picture at this version, if it is still the person's current one (NOT_FOUND otherwise). */
  async open(userId: string, version: string): Promise<AvatarDownload> {
    const user = await this.meta.findUserById(userId);
    if (!user || user.deletedAt || user.avatarUrl !== avatarUrlOf(userId, version)) throw AppError.notFound('picture');
    const stored = await this.media.get(avatarKey(userId));
    if (!stored) throw AppError.notFound('picture');
    return { size: stored.size, body: stored.body };
  }

  /** The account is being erased: its picture's bytes go with it (the profile row is erased by the caller). */
  async forget(userId: string): Promise<void> {
    await this.media.delete(avatarKey(userId));
  }

  private async requireActive(userId: string): Promise<void> {
    const user = await this.meta.findUserById(userId);
    if (!user || user.deletedAt) throw AppError.unauthenticated('account no longer exists');
  }
}

/** Upright by EXIF orientation, the centre square, AVATAR_SIZE_PX, WebP; sharp keeps no metadata unless asked. */
function squarePicture(input: Buffer): Promise<Buffer> {
  return sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize(AVATAR_SIZE_PX, AVATAR_SIZE_PX, { fit: 'cover', position: 'centre' })
    .webp({ quality: 82 })
    .toBuffer();
}

/** The rest of a picture, at most AVATAR_MAX_BYTES (the ByteLimit before it fails past that). */
async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
