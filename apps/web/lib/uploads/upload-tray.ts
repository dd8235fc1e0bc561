import type { Attachment } from '@qc/shared';
import { LIMITS } from '@qc/shared';
import { Observable } from '../stores/observable';
import type { UploadProgress } from './upload-file';
import { uploadFailureText } from './upload-file';

/** One file on its way into the composer: uploading, ready to send, or refused with why. */
export interface TrayItem {
  key: string;
  name: string;
  size: number;
  /** An image picked or pasted: previewed from the device's copy while it uploads. */
  isImage: boolean;
  status: 'uploading' | 'done' | 'failed';
  /** 0…1 while uploading. */
  progress: number;
  attachment: Attachment | null;
  error: string | null;
}

export type Uploader = (file: File, opts: { onProgress: (p: UploadProgress) => void; signal: AbortSignal }) => Promise<Attachment>;

/**
 * The files waiting in one composer (Slack's model: they upload as soon as they are picked,
 * pasted or dropped, and go out with the next message). Each can be cancelled while it
 * uploads, removed, or retried when it failed; a send takes the finished ones.
 */
export class UploadTray extends Observable<readonly TrayItem[]> {
  private readonly files = new Map<string, File>();
  private readonly aborts = new Map<string, AbortController>();
  private seq = 0;

  constructor(private readonly upload: Uploader) {
    super([]);
  }

  /** Starts uploading these; beyond LIMITS.attachmentsPerMessageMax in the tray, the rest are left out (answered false). */
  add(files: readonly File[]): boolean {
    const room = LIMITS.attachmentsPerMessageMax - this.getState().length;
    for (const file of files.slice(0, Math.max(0, room))) {
      const key = `f${++this.seq}`;
      this.files.set(key, file);
      this.update((items) => [
        ...items,
        { key, name: file.name || 'pasted image', size: file.size, isImage: file.type.startsWith('image/'), status: 'uploading', progress: 0, attachment: null, error: null },
      ]);
      this.start(key);
    }
    return files.length <= room;
  }

  private start(key: string): void {
    const file = this.files.get(key);
    if (!file) return;
    const abort = new AbortController();
    this.aborts.set(key, abort);
    this.patch(key, { status: 'uploading', progress: 0, error: null });
    this.upload(file, {
      signal: abort.signal,
      onProgress: (p) => this.patch(key, { progress: p.total > 0 ? Math.min(1, p.loaded / p.total) : 0 }),
    }).then(
      (attachment) => this.patch(key, { status: 'done', progress: 1, attachment }),
      (err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        this.patch(key, { status: 'failed', error: uploadFailureText(err) });
      },
    );
  }

  /** Stops an upload and takes the file out of the tray (also for a finished one). */
  remove(key: string): void {
    this.aborts.get(key)?.abort();
    this.aborts.delete(key);
    this.files.delete(key);
    this.update((items) => items.filter((i) => i.key !== key));
  }

  retry(key: string): void {
    if (this.getState().find((i) => i.key === key)?.status === 'failed') this.start(key);
  }

  /** Whether a send should wait: some file is still on its way. */
  get busy(): boolean {
    return this.getState().some((i) => i.status === 'uploading');
  }

  /** Takes the finished files out of the tray for a send (failed ones stay, to retry or remove). */
  takeReady(): Attachment[] {
    const ready = this.getState().filter((i) => i.status === 'done' && i.attachment);
    for (const i of ready) this.files.delete(i.key);
    this.update((items) => items.filter((i) => !ready.includes(i)));
    return ready.map((i) => i.attachment!);
  }

  /** The composer goes away (another room): uploads still running are stopped. */
  dispose(): void {
    for (const a of this.aborts.values()) a.abort();
    this.aborts.clear();
    this.clearListeners();
  }

  private patch(key: string, change: Partial<TrayItem>): void {
    this.update((items) => (items.some((i) => i.key === key) ? items.map((i) => (i.key === key ? { ...i, ...change } : i)) : items));
  }
}
