import type { Message, ThreadPage } from '@qc/shared';
import { Observable } from './observable';
import { versionOf } from './room-stream';

/*
 * The threads opened on this device: a root and its replies, loaded with GET …/thread and
 * kept live from the room's one stream. A thread reply takes the room's next seq like any
 * message, so the timeline keeps it for its gap-free position; only the main list leaves it
 * out (`inMainTimeline`), and the thread panel shows it from here.
 */

export interface Thread {
  roomId: string;
  rootId: string;
  /** Null until the page brings it (a reply can come live before that). */
  root: Message | null;
  /** Ascending by seq, one per message id. */
  replies: readonly Message[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
}

/** Open threads by root id. */
export type Threads = Readonly<Record<string, Thread>>;

export interface ThreadSource {
  thread(roomId: string, rootId: string, page: { after: number }): Promise<ThreadPage>;
}

/** A message of the room's main timeline, as opposed to a reply inside a thread. */
export function inMainTimeline(message: Pick<Message, 'threadRootId'>): boolean {
  return !message.threadRootId;
}

/** The main timeline's messages: thread replies stay in the stream but out of sight. */
export function mainTimelineMessages(messages: readonly Message[]): readonly Message[] {
  return messages.every(inMainTimeline) ? messages : messages.filter(inMainTimeline);
}

/** Whether a message can start (or already roots) a thread: not a reply inside one, not deleted. */
export function canHaveThread(message: Message): boolean {
  return inMainTimeline(message) && !message.deletedAt;
}

/** Puts a reply in its place by seq, or its newer state over the one held; older states change nothing. */
export function placeReply(replies: readonly Message[], reply: Message): readonly Message[] {
  const i = replies.findIndex((m) => m.id === reply.id);
  if (i >= 0) {
    if (versionOf(reply) <= versionOf(replies[i]!)) return replies;
    const copy = replies.slice();
    copy[i] = reply;
    return copy;
  }
  let at = replies.length;
  while (at > 0 && replies[at - 1]!.seq > reply.seq) at -= 1;
  return [...replies.slice(0, at), reply, ...replies.slice(at)];
}

/** A thread with a message of its room applied: its root's new state, or one of its replies. */
export function applyToThread(thread: Thread, message: Message): Thread {
  if (message.roomId !== thread.roomId) return thread;
  if (message.id === thread.rootId) {
    if (thread.root && versionOf(message) <= versionOf(thread.root)) return thread;
    return { ...thread, root: message };
  }
  if (message.threadRootId !== thread.rootId) return thread;
  const replies = placeReply(thread.replies, message);
  return replies === thread.replies ? thread : { ...thread, replies };
}

export class ThreadStore extends Observable<Threads> {
  private stopped = false;

  constructor(private readonly source: ThreadSource) {
    super({});
  }

  get(rootId: string): Thread | undefined {
    return this.getState()[rootId];
  }

  private set(rootId: string, fn: (t: Thread) => Thread): void {
    const current = this.get(rootId);
    if (!current) return;
    const next = fn(current);
    if (next !== current) this.setState({ ...this.getState(), [rootId]: next });
  }

  /**
   * Loads the thread page after page. What arrives live meanwhile is applied to the thread
   * at once and the pages merge into it by version, so neither can roll the other back.
   * `known` is the root as the timeline has it, shown while the page loads.
   */
  async open(roomId: string, rootId: string, failureText: (err: unknown) => string, known?: Message): Promise<void> {
    const existing = this.get(rootId);
    if (existing && existing.status !== 'error') return;
    this.setState({
      ...this.getState(),
      [rootId]: { roomId, rootId, root: known ?? existing?.root ?? null, replies: existing?.replies ?? [], status: 'loading', error: null },
    });
    try {
      let after = 0;
      for (;;) {
        const page = await this.source.thread(roomId, rootId, { after });
        if (this.stopped || !this.get(rootId)) return;
        this.set(rootId, (t) => [page.root, ...page.replies].reduce(applyToThread, t));
        const last = page.replies[page.replies.length - 1];
        if (!page.hasMore || !last) break;
        after = last.seq;
      }
      this.set(rootId, (t) => ({ ...t, status: 'ready', error: null }));
    } catch (err) {
      this.set(rootId, (t) => ({ ...t, status: 'error', error: failureText(err) }));
    }
  }

  /** Messages of a room from any source (event, ack, sync): each goes to the open thread it belongs to. */
  receive(roomId: string, messages: readonly Message[]): void {
    const state = this.getState();
    let next: Record<string, Thread> | null = null;
    for (const [rootId, thread] of Object.entries(state)) {
      if (thread.roomId !== roomId) continue;
      const applied = messages.reduce(applyToThread, thread);
      if (applied !== thread) (next ??= { ...state })[rootId] = applied;
    }
    if (next) this.setState(next);
  }

  close(rootId: string): void {
    if (!this.get(rootId)) return;
    const next = { ...this.getState() };
    delete next[rootId];
    this.setState(next);
  }

  forgetRoom(roomId: string): void {
    const state = this.getState();
    const kept = Object.entries(state).filter(([, t]) => t.roomId !== roomId);
    if (kept.length !== Object.keys(state).length) this.setState(Object.fromEntries(kept));
  }

  stop(): void {
    this.stopped = true;
    this.clearListeners();
  }
}
