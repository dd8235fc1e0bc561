import { LIMITS, type HistoryPage, type Message, type RoomSyncResult } from '@qc/shared';
import {
  applyMessageState,
  EMPTY_STREAM,
  mergeStream,
  pagePosition,
  prependOlder,
  syncItems,
  type RoomStream,
  type StreamItem,
} from './room-stream';
import { Observable, realSchedule, type Schedule } from './observable';

/*
 * One timeline per room opened on this device: its messages in order (with edits, deletes
 * and reactions applied), where it stands in the room's stream, and the catch-up that
 * fills any hole with `room:sync`. What is sent from here and not yet stored lives in the
 * outbox, not here.
 */

export interface Timeline extends RoomStream {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** The first message that was unread when the room was opened: where the "New" line goes. */
  firstUnreadSeq: number | null;
}

export type Timelines = Readonly<Record<string, Timeline>>;

/** What the timelines need from the outside world; the chat client gives REST and the socket. */
export interface TimelineSource {
  history(roomId: string, page: { before?: number; limit: number }): Promise<HistoryPage>;
  /** Rejects when offline or refused; the next reconnect or retry catches up. */
  sync(roomId: string, afterSeq: number, limit: number): Promise<RoomSyncResult>;
  isConnected(): boolean;
}

export interface TimelineHooks {
  /** Messages that became visible (placed live, or loaded with a page): the outbox settles mine. */
  onShown(roomId: string, messages: readonly Message[]): void;
  /** The room's highest seq as the room list knows it, to tell whether a fresh page is behind. */
  roomLastSeq(roomId: string): number | undefined;
  /** Where the "New" line goes when the room is shown. */
  firstUnreadSeq(roomId: string, timeline: RoomStream): number | null;
}

const SYNC_RETRY_MS = 2_000;

const LOADING: Timeline = {
  ...EMPTY_STREAM,
  status: 'loading',
  error: null,
  hasOlder: false,
  loadingOlder: false,
  firstUnreadSeq: null,
};

export class TimelineStore extends Observable<Timelines> {
  private readonly syncs = new Map<string, Promise<void>>();
  private readonly resyncWanted = new Set<string>();
  private readonly retryTimers = new Map<string, () => void>();
  private stopped = false;

  constructor(
    private readonly source: TimelineSource,
    private readonly hooks: TimelineHooks,
    private readonly schedule: Schedule = realSchedule,
  ) {
    super({});
  }

  get(roomId: string): Timeline | undefined {
    return this.getState()[roomId];
  }

  private set(roomId: string, fn: (t: Timeline) => Timeline): void {
    const current = this.getState()[roomId];
    if (!current) return;
    const next = fn(current);
    if (next !== current) this.setState({ ...this.getState(), [roomId]: next });
  }

  /**
   * Loads the newest page; live items that came meanwhile are held and applied after it.
   * The timeline exists (loading) from the first moment, so a second open does not load twice;
   * `prepare` runs before the page is asked for (the chat client fetches an unknown room).
   */
  async load(roomId: string, failureText: (err: unknown) => string, prepare?: () => Promise<void>): Promise<void> {
    const held = this.get(roomId)?.held ?? [];
    this.setState({ ...this.getState(), [roomId]: { ...LOADING, held } });
    const wasConnected = this.source.isConnected();
    try {
      await prepare?.();
      const page = await this.source.history(roomId, { limit: LIMITS.historyPageDefault });
      const current = this.get(roomId);
      if (this.stopped || !current) return;
      const base: RoomStream = { messages: page.messages, lastSeq: pagePosition(page.messages), held: [] };
      const merged = mergeStream(base, current.held);
      this.set(roomId, (t) => ({
        ...t,
        status: 'ready',
        error: null,
        messages: merged.messages,
        lastSeq: merged.lastSeq,
        held: merged.held,
        hasOlder: page.hasMore,
        firstUnreadSeq: this.hooks.firstUnreadSeq(roomId, merged),
      }));
      this.hooks.onShown(roomId, merged.messages);
      // The page may be behind the room (changes after its newest message, or a reconnect
      // whose catch-up skipped this room while it loaded): ask for the rest.
      const roomLast = this.hooks.roomLastSeq(roomId) ?? 0;
      if (merged.gap || roomLast > merged.lastSeq || !wasConnected) void this.sync(roomId);
    } catch (err) {
      this.set(roomId, (t) => ({ ...t, status: 'error', error: failureText(err) }));
    }
  }

  /** Remembers where the "New" line goes as the room is shown again. */
  markShown(roomId: string): void {
    this.set(roomId, (t) => {
      const firstUnreadSeq = this.hooks.firstUnreadSeq(roomId, t);
      return firstUnreadSeq === t.firstUnreadSeq ? t : { ...t, firstUnreadSeq };
    });
  }

  async loadOlder(roomId: string): Promise<void> {
    const t = this.get(roomId);
    if (!t || t.status !== 'ready' || !t.hasOlder || t.loadingOlder) return;
    const oldest = t.messages[0]?.seq;
    if (oldest === undefined || oldest <= 1) {
      this.set(roomId, (cur) => ({ ...cur, hasOlder: false }));
      return;
    }
    this.set(roomId, (cur) => ({ ...cur, loadingOlder: true }));
    try {
      const page = await this.source.history(roomId, { before: oldest, limit: LIMITS.historyPageDefault });
      this.set(roomId, (cur) => ({
        ...cur,
        messages: prependOlder(cur.messages, page.messages),
        hasOlder: page.hasMore,
        loadingOlder: false,
      }));
    } catch (err) {
      this.set(roomId, (cur) => ({ ...cur, loadingOlder: false }));
      throw err;
    }
  }

  /**
   * Every item of the room's stream, from any source (event, ack, sync), comes in here.
   * Returns the messages it placed. A room never opened here has nothing to keep in order.
   */
  receive(roomId: string, items: readonly StreamItem[]): Message[] {
    const t = this.get(roomId);
    if (!t || items.length === 0) return [];
    if (t.status !== 'ready') {
      const bySeq = new Map(t.held.map((i) => [i.seq, i]));
      for (const item of items) if (!bySeq.has(item.seq)) bySeq.set(item.seq, item);
      this.set(roomId, (cur) => ({ ...cur, held: [...bySeq.values()].sort((a, b) => a.seq - b.seq) }));
      return [];
    }
    const merged = mergeStream(t, items);
    this.set(roomId, (cur) =>
      // Held items only grow, or shrink as the position moves: the same length is the same set.
      cur.messages === merged.messages && cur.lastSeq === merged.lastSeq && cur.held.length === merged.held.length
        ? cur
        : { ...cur, messages: merged.messages, lastSeq: merged.lastSeq, held: merged.held },
    );
    if (merged.added.length) this.hooks.onShown(roomId, merged.added);
    if (merged.gap) void this.sync(roomId);
    return merged.added;
  }

  /**
   * A message's current state from an ack (edit, delete, reaction): applied if newer, but
   * the stream position does not move, since the ack does not say which seq it took.
   */
  applyState(roomId: string, message: Message): void {
    this.set(roomId, (t) => {
      const messages = applyMessageState(t.messages, message);
      return messages === t.messages ? t : { ...t, messages };
    });
  }

  /** A local change to a message on screen (an echo), that any state from the server replaces. */
  patchMessage(roomId: string, messageId: string, fn: (message: Message) => Message): void {
    this.set(roomId, (t) => {
      const i = t.messages.findIndex((m) => m.id === messageId);
      const current = t.messages[i];
      if (!current) return t;
      const next = fn(current);
      if (next === current) return t;
      const messages = t.messages.slice();
      messages[i] = next;
      return { ...t, messages };
    });
  }

  /** Catches up every room already on screen (after a reconnect). */
  syncAll(): Promise<unknown> {
    const ready = Object.entries(this.getState())
      .filter(([, t]) => t.status === 'ready')
      .map(([roomId]) => this.sync(roomId));
    return Promise.allSettled(ready);
  }

  /** Fills the stream after `lastSeq`, page after page. One per room at a time; a request during one runs it again. */
  sync(roomId: string): Promise<void> {
    const running = this.syncs.get(roomId);
    if (running) {
      this.resyncWanted.add(roomId);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.resyncWanted.delete(roomId);
          try {
            await this.syncPages(roomId);
          } catch {
            // A timeout or a refusal: the retry below or the next reconnect catches up.
          }
        } while (this.resyncWanted.has(roomId) && !this.stopped);
      } finally {
        this.syncs.delete(roomId);
      }
      if (this.get(roomId)?.held.length) this.scheduleRetry(roomId);
    })();
    this.syncs.set(roomId, run);
    return run;
  }

  private async syncPages(roomId: string): Promise<void> {
    for (;;) {
      const t = this.get(roomId);
      if (this.stopped || !this.source.isConnected() || !t || t.status !== 'ready') return;
      const afterSeq = t.lastSeq;
      const page = await this.source.sync(roomId, afterSeq, LIMITS.syncPageMax);
      this.receive(roomId, syncItems(page));
      const reached = this.get(roomId)?.lastSeq ?? afterSeq;
      if (!page.hasMore || reached === afterSeq) return;
    }
  }

  /** Items still held behind a hole the server could not fill yet: ask again shortly. */
  private scheduleRetry(roomId: string): void {
    if (this.stopped || this.retryTimers.has(roomId)) return;
    this.retryTimers.set(
      roomId,
      this.schedule(() => {
        this.retryTimers.delete(roomId);
        if (this.get(roomId)?.held.length) void this.sync(roomId);
      }, SYNC_RETRY_MS),
    );
  }

  forget(roomId: string): void {
    if (!this.get(roomId)) return;
    const next = { ...this.getState() };
    delete next[roomId];
    this.setState(next);
  }

  stop(): void {
    this.stopped = true;
    for (const cancel of this.retryTimers.values()) cancel();
    this.retryTimers.clear();
    this.clearListeners();
  }
}
