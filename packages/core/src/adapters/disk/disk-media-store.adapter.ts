import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteLimit } from '../../lib/byte-limit';
import { assertMediaKey, type MediaObjectInfo, type MediaPutOptions, type MediaStore } from '../../ports/media-store.port';

/** What the file beside the bytes says: the type given at put (the file system keeps no such thing). */
interface SideInfo {
  contentType: string;
}

const FALLBACK_TYPE = 'application/octet-stream';

/**
 * Media on local disk under the data folder (the embedded profile). An object is two files,
 * `<key>.bin` and `<key>.meta.json`, so `uploads/x` and `uploads/x/thumb-320` can both
 * exist (a file and a folder of one name could not). A put writes into `.partial/` and
 * renames into place, so a reader never sees half a file and a failed put leaves nothing.
 */
export class DiskMediaStore implements MediaStore {
  private readonly partialDir: string;

  constructor(private readonly root: string) {
    this.partialDir = path.join(root, '.partial');
  }

  /**
   * Makes the folders, and clears what a crash in the middle of a put left in `.partial/`
   * (nothing there is ever read). Call once at start-up, before the first put.
   */
  async init(): Promise<void> {
    await rm(this.partialDir, { recursive: true, force: true });
    await mkdir(this.partialDir, { recursive: true });
  }

  /** Files left in `.partial/`: none once every put has ended, failed ones included. */
  async partialFiles(): Promise<number> {
    return (await readdir(this.partialDir).catch(() => [])).length;
  }

  async put(key: string, body: Readable, options: MediaPutOptions): Promise<{ size: number }> {
    const file = this.fileOf(key);
    const id = randomUUID();
    const partialData = path.join(this.partialDir, `${id}.bin`);
    const partialInfo = path.join(this.partialDir, `${id}.meta.json`);
    const limit = new ByteLimit(options.maxBytes);
    try {
      await pipeline(body, limit, createWriteStream(partialData, { flags: 'wx' }));
      const info: SideInfo = { contentType: options.contentType };
      await writeFile(partialInfo, JSON.stringify(info), { flag: 'wx' });
      await mkdir(path.dirname(file), { recursive: true });
      // The bytes first: a reader between the two renames sees the new bytes with the
      // type of the object they replace, never a type without bytes.
      await rename(partialData, `${file}.bin`);
      await rename(partialInfo, `${file}.meta.json`);
      return { size: limit.bytes };
    } finally {
      await rm(partialData, { force: true });
      await rm(partialInfo, { force: true });
    }
  }

  async get(key: string): Promise<(MediaObjectInfo & { body: Readable }) | null> {
    const file = this.fileOf(key);
    // Opened before anything else: a delete after this does not cut a download under way.
    const handle = await open(`${file}.bin`, 'r').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    if (!handle) return null;
    try {
      const { size } = await handle.stat();
      const contentType = await this.contentTypeOf(file);
      // The stream closes the file when it ends or is destroyed.
      return { size, contentType, body: handle.createReadStream() };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<MediaObjectInfo | null> {
    const file = this.fileOf(key);
    const size = await stat(`${file}.bin`).then(
      (s) => s.size,
      (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return null;
        throw err;
      },
    );
    if (size === null) return null;
    return { size, contentType: await this.contentTypeOf(file) };
  }

  async delete(key: string): Promise<void> {
    const file = this.fileOf(key);
    await rm(`${file}.bin`, { force: true });
    await rm(`${file}.meta.json`, { force: true });
  }

  private async contentTypeOf(file: string): Promise<string> {
    try {
      const info = JSON.parse(await readFile(`${file}.meta.json`, 'utf8')) as Partial<SideInfo>;
      return typeof info.contentType === 'string' ? info.contentType : FALLBACK_TYPE;
    } catch {
      return FALLBACK_TYPE;
    }
  }

  private fileOf(key: string): string {
    assertMediaKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
