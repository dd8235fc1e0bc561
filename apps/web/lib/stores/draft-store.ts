import { Observable, realSchedule, type Schedule } from './observable';
import { readJson, writeJson, type KeyValueStorage } from './storage';

/*
 * What people are writing and have not sent, per room (and per thread), kept on this device
 * across page loads and room switches. It is saved as they type, a moment after they pause
 * (a write per keystroke is wasted work), at once when it is cleared (sent, or emptied: a
 * reload must not bring back what was just sent), and whatever is unsaved when the page goes.
 *
 * Two tabs of one person share the key; each writes only the drafts it changed on top of
 * what is there, so neither wipes the other's.
 */

export type Drafts = Readonly<Record<string, string>>;

/** How long after the last keystroke a draft is written to storage. */
export const DRAFT_SAVE_DELAY_MS = 400;

export function draftStorageKey(userId: string): string {
  return `qc:drafts:${userId}`;
}

/** A room's own composer, or the composer of a thread in it. */
export function draftKey(roomId: string, threadRootId?: string): string {
  return threadRootId ? `${roomId}/${threadRootId}` : roomId;
}

/** Worth marking in the room list: something besides spaces. */
export function isDraft(text: string | undefined): boolean {
  return !!text && text.trim().length > 0;
}

function readDrafts(storage: KeyValueStorage | null, key: string): Record<string, string> {
  const value = readJson(storage, key);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const drafts: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string' && v) drafts[k] = v;
  return drafts;
}

export class DraftStore extends Observable<Drafts> {
  private readonly key: string;
  /** Drafts changed here and not yet written. */
  private readonly dirty = new Set<string>();
  private cancelSave: (() => void) | null = null;

  constructor(
    private readonly storage: KeyValueStorage | null,
    userId: string,
    private readonly schedule: Schedule = realSchedule,
  ) {
    const key = draftStorageKey(userId);
    super(readDrafts(storage, key));
    this.key = key;
  }

  get(key: string): string {
    return this.getState()[key] ?? '';
  }

  /** The composer's text as typed; empty clears the draft. */
  set(key: string, text: string): void {
    if (this.get(key) === text) return;
    const next = { ...this.getState() };
    if (text) next[key] = text;
    else delete next[key];
    this.setState(next);
    this.dirty.add(key);
    if (!text) {
      this.flush();
      return;
    }
    this.cancelSave?.();
    this.cancelSave = this.schedule(() => {
      this.cancelSave = null;
      this.flush();
    }, DRAFT_SAVE_DELAY_MS);
  }

  /** A room I left or that was deleted: its drafts (and its threads') go. */
  forgetRoom(roomId: string): void {
    for (const key of Object.keys(this.getState())) if (key === roomId || key.startsWith(`${roomId}/`)) this.set(key, '');
  }

  /** Writes what changed here now (before the page goes, say). */
  flush(): void {
    this.cancelSave?.();
    this.cancelSave = null;
    if (this.dirty.size === 0) return;
    const stored = readDrafts(this.storage, this.key);
    for (const key of this.dirty) {
      const text = this.getState()[key];
      if (text) stored[key] = text;
      else delete stored[key];
    }
    this.dirty.clear();
    writeJson(this.storage, this.key, Object.keys(stored).length ? stored : undefined);
  }

  /** Signing out on purpose: no drafts stay behind on this device. */
  clear(): void {
    this.cancelSave?.();
    this.cancelSave = null;
    this.dirty.clear();
    writeJson(this.storage, this.key, undefined);
    this.setState({});
  }

  stop(): void {
    this.flush();
    this.clearListeners();
  }
}
