import type { UploadLink, UploadLinks } from '@qc/shared';
import { LIMITS } from '@qc/shared';

/** A link is asked for again this long before it ends, so an image never loads with a dead one. */
const RENEW_BEFORE_MS = 60_000;

type Fetch = (ids: string[]) => Promise<UploadLinks>;

/**
 * Signed links to uploads (POST /uploads/links), asked for in batches: every id wanted in
 * one turn of the event loop goes in one request (a page of history with twenty photos is
 * one request, not twenty), and each link is reused until shortly before it ends (the
 * server hands out the same link within its window, so the browser's cache keeps the image).
 */
export class UploadLinkCache {
  private readonly links = new Map<string, UploadLink>();
  private readonly waiting = new Map<string, { resolve: (l: UploadLink | null) => void; reject: (e: unknown) => void }[]>();
  private scheduled = false;

  constructor(
    private readonly fetchLinks: Fetch,
    private readonly now: () => number = Date.now,
  ) {}

  /** The link for this upload, or null when this person may not read it. */
  get(id: string): Promise<UploadLink | null> {
    const known = this.links.get(id);
    if (known && Date.parse(known.expiresAt) - RENEW_BEFORE_MS > this.now()) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      this.waiting.set(id, [...(this.waiting.get(id) ?? []), { resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  /** The link held now, if it is still good (for a first render without waiting). */
  peek(id: string): UploadLink | null {
    const known = this.links.get(id);
    return known && Date.parse(known.expiresAt) - RENEW_BEFORE_MS > this.now() ? known : null;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = new Map(this.waiting);
    this.waiting.clear();
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += LIMITS.uploadLinksMax) {
      const part = ids.slice(i, i + LIMITS.uploadLinksMax);
      try {
        const { links } = await this.fetchLinks(part);
        for (const id of part) {
          const link = links[id] ?? null;
          if (link) this.links.set(id, link);
          for (const w of batch.get(id) ?? []) w.resolve(link);
        }
      } catch (err) {
        for (const id of part) for (const w of batch.get(id) ?? []) w.reject(err);
      }
    }
  }
}
