import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { ByteLimit } from '../../lib/byte-limit';
import {
  assertMediaKey,
  MediaTooLargeError,
  type MediaObjectInfo,
  type MediaPutOptions,
  type MediaStore,
} from '../../ports/media-store.port';

export interface S3MediaSettings {
  /** An S3-compatible endpoint (MinIO, S3Mock, R2…); unset means AWS itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Prepended to every key, so one bucket can hold several installations. */
  prefix?: string;
}

/** A part of a multipart upload; S3's smallest. At most `QUEUE` parts are in memory at once. */
const PART_BYTES = 5 * 1024 * 1024;
const QUEUE = 2;

export function createS3Client(settings: S3MediaSettings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    // Bucket in the path, not the host name: what S3-compatible stores on one host expect.
    forcePathStyle: Boolean(settings.endpoint),
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    // Checksums only where S3 requires them: not every S3-compatible store knows the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.name === 'NoSuchBucket' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Media in an S3-compatible object store (the distributed profile). A put is a multipart
 * upload fed part by part from the stream (lib-storage's Upload), aborted on any failure so
 * no parts are left behind; a body under one part goes as a single PutObject.
 */
export class S3MediaStore implements MediaStore {
  private readonly prefix: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix = '',
  ) {
    this.prefix = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
  }

  /** Creates the bucket if it is not there (a fresh MinIO or S3Mock). */
  async init(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      // Several api nodes starting at once may each find no bucket and each create it: the
      // ones that lose the race are told it is theirs already, which is what they wanted.
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((e: unknown) => {
        if ((e as { name?: string } | null)?.name !== 'BucketAlreadyOwnedByYou') throw e;
      });
    }
  }

  /** Multipart uploads begun under this store's prefix and neither completed nor aborted. */
  async unfinishedUploads(): Promise<number> {
    const out = await this.client.send(new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: this.prefix }));
    return out.Uploads?.length ?? 0;
  }

  async put(key: string, body: Readable, options: MediaPutOptions): Promise<{ size: number }> {
    const objectKey = this.keyOf(key);
    const limit = new ByteLimit(options.maxBytes);
    // Not pipeline(): the upload reads `limit` itself; a failing body fails it too.
    body.once('error', (err) => limit.destroy(err));
    body.pipe(limit);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: objectKey, Body: limit, ContentType: options.contentType },
      partSize: PART_BYTES,
      queueSize: QUEUE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      body.unpipe(limit);
      body.destroy();
      if (limit.bytes > options.maxBytes || err instanceof MediaTooLargeError) throw new MediaTooLargeError(options.maxBytes);
      throw err;
    }
    return { size: limit.bytes };
  }

  async get(key: string): Promise<(MediaObjectInfo & { body: Readable }) | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return {
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        // In Node the SDK's body is the HTTP response, a Readable.
        body: out.Body as Readable,
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return { size: out.ContentLength ?? 0, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing key with success as well.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
  }

  private keyOf(key: string): string {
    assertMediaKey(key);
    return `${this.prefix}${key}`;
  }
}
