import { LIMITS, type HistoryPage, type Message, type RoomSyncResult } from '@qc/shared';
import {
  appendNewer,
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
 *
 * A timeline is either live (it runs up to the room's newest message and follows the
 * stream) or a window opened at a message far back (`hasNewer`: a search hit, a quote, a
 * pin). A window pages both ways over history; live messages do not go into it, since
 * there is a hole between its end and them, but changes to messages it shows do. When a
 * page down reaches the newest message, the window joins the stream: from the room's
 * position read before the window was fetched, `room:sync` replays what came since, so
 * the join has no gap (every seq after that position is replayed) and no duplicate (a
 * replayed message already shown only updates its state).
 */

export interface Timeline extends RoomStream {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  /** The first message that was unread when the room was opened: where the "New" line goes. */
  firstUnreadSeq: number | null;
  /** A window opened far back: it stops before the room's newest messages, which load on paging down. */
  hasNewer: boolean;
  loadingNewer: boolean;
  /** A message to bring into view and highlight (a jump); `key` tells one jump from the next to the same message. */
  focus: { messageId: string; key: number } | null;
}

/** A message to open the room at. */
export interface JumpTarget {
  messageId: string;
  seq: number;
}

export type Timelines = Readonly<Record<string, Timeline>>;

/** What the timelines need from the outside world; the chat client gives REST and the socket. */
export interface TimelineSource {
  history(roomId: string, page: { before?: number; after?: number; limit: number }): Promise<HistoryPage>;
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
/** Messages loaded on each side of a message jumped to (itself on the older side). */
export const JUMP_WINDOW_SIDE = 25;

const LOADING: Timeline = {
  ...EMPTY_STREAM,
  status: 'loading',
  error: null,
  hasOlder: false,
  loadingOlder: false,
  firstUnreadSeq: null,
  hasNewer: false,
  loadingNewer: false,
  focus: null,
};

export class TimelineStore extends Observable<Timelines> {
  private readonly syncs = new Map<string, Promise<void>>();
  private readonly resyncWanted = new Set<string>();
  private readonly retryTimers = new Map<string, () => void>();
  /** Per window: the stream position its join replays from (see the top of this file). */
  private readonly joinFrom = new Map<string, number>();
  private focusKeys = 0;
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
    const current = this.get(roomId);
    const held = current && !current.hasNewer ? current.held : [];
    this.joinFrom.delete(roomId);
    this.setState({ ...this.getState(), [roomId]: { ...LOADING, held } });
    const wasConnected = this.source.isConnected();
    try {
      // Side by side, not one after the other: opening a room from a link is one round trip.
      // The page is placed only once both are done, so the room is known by then.
      const [, page] = await Promise.all([prepare?.(), this.source.history(roomId, { limit: LIMITS.historyPageDefault })]);
      const now = this.get(roomId);
      // Stopped, forgotten, or replaced by a jump meanwhile.
      if (this.stopped || !now || now.status !== 'loading' || now.focus) return;
      this.placeLive(roomId, page.messages, page.hasMore, wasConnected);
    } catch (err) {
      this.set(roomId, (t) => (t.status === 'loading' && !t.focus ? { ...t, status: 'error', error: failureText(err) } : t));
    }
  }

  /**
   * Opens the room at a message (a search hit, a quote, a pin): a window of messages around
   * it, the message to be brought into view. If it is on screen already, it is only brought
   * into view. If the window reaches the newest message, it is simply the live timeline.
   */
  async openAt(roomId: string, target: JumpTarget, failureText: (err: unknown) => string, prepare?: () => Promise<void>): Promise<void> {
    const current = this.get(roomId);
    if (current?.status === 'ready' && current.messages.some((m) => m.id === target.messageId)) {
      this.focusOn(roomId, target.messageId);
      return;
    }
    const focus = { messageId: target.messageId, key: ++this.focusKeys };
    const held = current && !current.hasNewer ? current.held : [];
    this.joinFrom.delete(roomId);
    this.setState({ ...this.getState(), [roomId]: { ...LOADING, held, focus } });
    const wasConnected = this.source.isConnected();
    try {
      await prepare?.();
      // Read before the pages are asked for: every change up to it is in what they return.
      const roomLast = this.hooks.roomLastSeq(roomId) ?? 0;
      const [older, newer] = await Promise.all([
        this.source.history(roomId, { before: target.seq + 1, limit: JUMP_WINDOW_SIDE }),
        this.source.history(roomId, { after: target.seq, limit: JUMP_WINDOW_SIDE }),
      ]);
      const now = this.get(roomId);
      if (this.stopped || !now || now.focus?.key !== focus.key || now.status !== 'loading') return;
      const messages = appendNewer(older.messages, newer.messages);
      if (!newer.hasMore) {
        this.placeLive(roomId, messages, older.hasMore, wasConnected);
        return;
      }
      this.joinFrom.set(roomId, Math.max(roomLast, pagePosition(messages)));
      this.set(roomId, (t) => ({
        ...t,
        status: 'ready',
        error: null,
        messages,
        lastSeq: pagePosition(messages),
        held: [],
        hasOlder: older.hasMore,
        hasNewer: true,
        firstUnreadSeq: null,
      }));
      this.hooks.onShown(roomId, messages);
    } catch (err) {
      this.set(roomId, (t) =>
        t.focus?.key === focus.key && t.status === 'loading' ? { ...t, status: 'error', error: failureText(err) } : t,
      );
    }
  }

  /** Brings a message on screen into view again (a second jump to it). */
  focusOn(roomId: string, messageId: string): void {
    this.set(roomId, (t) => ({ ...t, focus: { messageId, key: ++this.focusKeys } }));
  }

  /**
   * The newest messages are in: the timeline starts at their stream position, applies the
   * live items held while it loaded, and asks for the rest if it may be behind the room.
   */
  private placeLive(roomId: string, pageMessages: readonly Message[], hasOlder: boolean, wasConnected: boolean): void {
    const current = this.get(roomId);
    if (!current) return;
    const base: RoomStream = { messages: pageMessages, lastSeq: pagePosition(pageMessages), held: [] };
    const merged = mergeStream(base, current.held);
    this.set(roomId, (t) => ({
      ...t,
      status: 'ready',
      error: null,
      messages: merged.messages,
      lastSeq: merged.lastSeq,
      held: merged.held,
      hasOlder,
      hasNewer: false,
      firstUnreadSeq: this.hooks.firstUnreadSeq(roomId, merged),
    }));
    this.hooks.onShown(roomId, merged.messages);
    // The page may be behind the room (changes after its newest message, or a reconnect
    // whose catch-up skipped this room while it loaded): ask for the rest.
    const roomLast = this.hooks.roomLastSeq(roomId) ?? 0;
    if (merged.gap || roomLast > merged.lastSeq || !wasConnected) void this.sync(roomId);
  }

  /** Remembers where the "New" line goes as the room is shown again. */
  markShown(roomId: string): void {
    this.set(roomId, (t) => {
      if (t.hasNewer) return t;
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
   * A window's next page down. The page that reaches the newest message joins the window to
   * the stream: it continues from the position read before the window was fetched, and
   * `room:sync` replays everything after it (see the top of this file).
   */
  async loadNewer(roomId: string): Promise<void> {
    const t = this.get(roomId);
    if (!t || t.status !== 'ready' || !t.hasNewer || t.loadingNewer) return;
    const newest = t.messages[t.messages.length - 1]?.seq ?? 0;
    this.set(roomId, (cur) => ({ ...cur, loadingNewer: true }));
    let page: HistoryPage;
    try {
      page = await this.source.history(roomId, { after: newest, limit: LIMITS.historyPageDefault });
    } catch (err) {
      this.set(roomId, (cur) => ({ ...cur, loadingNewer: false }));
      throw err;
    }
    const cur = this.get(roomId);
    // Replaced meanwhile (the newest page loaded, another jump): this page belongs to no window.
    if (this.stopped || !cur || !cur.hasNewer || !cur.loadingNewer) return;
    const messages = appendNewer(cur.messages, page.messages);
    const added = messages.slice(cur.messages.length);
    if (page.hasMore) {
      this.set(roomId, (x) => ({ ...x, messages, loadingNewer: false }));
      if (added.length) this.hooks.onShown(roomId, added);
      return;
    }
    const from = this.joinFrom.get(roomId) ?? pagePosition(cur.messages);
    this.joinFrom.delete(roomId);
    this.set(roomId, (x) => ({ ...x, messages, lastSeq: from, held: [], hasNewer: false, loadingNewer: false }));
    if (added.length) this.hooks.onShown(roomId, added);
    void this.sync(roomId);
  }

  /**
   * Every item of the room's stream, from any source (event, ack, sync), comes in here.
   * Returns the messages it placed. A room never opened here has nothing to keep in order.
   */
  receive(roomId: string, items: readonly StreamItem[]): Message[] {
    const t = this.get(roomId);
    if (!t || items.length === 0) return [];
    if (t.hasNewer) {
      // A window far back: a change to a message it shows applies (by version, so never
      // backwards); new messages come with the pages below it, or the replay at its join.
      let messages = t.messages;
      for (const item of items) messages = applyMessageState(messages, item.message);
      if (messages !== t.messages) this.set(roomId, (cur) => ({ ...cur, messages }));
      return [];
    }
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
      // A window far back has no place in the stream to continue from until it joins.
      if (this.stopped || !this.source.isConnected() || !t || t.status !== 'ready' || t.hasNewer) return;
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
    this.joinFrom.delete(roomId);
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
