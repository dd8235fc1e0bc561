import type { ErrorBody, Message } from '@qc/shared';
import { Observable } from './observable';

/*
 * Messages written on this device and not yet seen stored, per room, in the order they
 * were written. A send goes out at once when connected, or waits for the connection; a
 * reconnect sends again what never got an answer. Every attempt carries the same
 * clientMsgId, so the server stores it once however many times it goes out.
 */

export type SendErrorCode = ErrorBody['code'] | 'TIMEOUT';

export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
  /** Sent as a reply in the thread under this message: shown in the thread panel, not the main list. */
  threadRootId?: string;
  /** Sent quoting this message. */
  replyTo?: string;
  createdAt: string;
  /** pending: on its way, or waiting for the connection; failed: shown with Retry. */
  status: 'pending' | 'failed';
  error: { code: SendErrorCode; message: string } | null;
}

/** Where a message goes besides its room: a thread, or under a quote. */
export interface SendOptions {
  threadRootId?: string;
  replyTo?: string;
}

export type Outbox = Readonly<Record<string, readonly PendingMessage[]>>;

export interface OutboxTransport {
  isConnected(): boolean;
  /** Resolves with the stored message; rejects with a `code` (the server's, or TIMEOUT). */
  send(payload: { roomId: string; clientMsgId: string; content: string } & SendOptions): Promise<Message>;
}

export interface OutboxHooks {
  /** The stored message from the ack: it goes into the timeline like any other. */
  onStored(message: Message): void;
  /** A failure worth telling people about beyond the message itself (a rate limit). */
  onNotice(text: string): void;
}

/** Rejections from the transport carry a code; anything else counts as INTERNAL. */
export function errorCodeOf(err: unknown): SendErrorCode {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code as SendErrorCode;
  return 'INTERNAL';
}

function failureText(code: SendErrorCode, err: unknown): string {
  if (code === 'TIMEOUT') return 'Not sent: no answer from the server.';
  if (code === 'RATE_LIMITED') return 'Slow down a little: wait a moment, then retry.';
  return err instanceof Error && err.message ? err.message : 'Not sent.';
}

/** Waits before the next try of a send the server could not store yet: 1 s, 2 s, 4 s … up to 15 s. */
export function unavailableBackoffMs(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait before the next try: what the server asked for (OVERLOADED names it), spread by
 * up to half again so that everyone it refused at once does not come back at once, and
 * never less than our own backoff.
 */
export function retryWaitMs(attempt: number, serverWaitMs: number | undefined, random: () => number = Math.random): number {
  const own = unavailableBackoffMs(attempt);
  if (serverWaitMs === undefined) return own;
  return Math.max(own, Math.round(serverWaitMs * (1 + random() / 2)));
}

function retryAfterOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number') return err.retryAfterMs;
  return undefined;
}

export class OutboxStore extends Observable<Outbox> {
  /** Sends with a request on the wire right now, so a reconnect does not send them twice at once. */
  private readonly inFlight = new Set<string>();
  /** Tries so far of sends answered UNAVAILABLE or OVERLOADED, for the backoff. */
  private readonly unavailableTries = new Map<string, number>();

  constructor(
    private readonly transport: OutboxTransport,
    private readonly hooks: OutboxHooks,
    private readonly newId: () => string,
    private readonly now: () => Date = () => new Date(),
    private readonly later: (fn: () => void, ms: number) => void = (fn, ms) => void setTimeout(fn, ms),
  ) {
    super({});
  }

  forRoom(roomId: string): readonly PendingMessage[] {
    return this.getState()[roomId] ?? [];
  }

  private setRoom(roomId: string, fn: (list: readonly PendingMessage[]) => readonly PendingMessage[]): void {
    const current = this.forRoom(roomId);
    const next = fn(current);
    if (next === current) return;
    const state = { ...this.getState() };
    if (next.length) state[roomId] = next;
    else delete state[roomId];
    this.setState(state);
  }

  private find(roomId: string, clientMsgId: string): PendingMessage | undefined {
    return this.forRoom(roomId).find((p) => p.clientMsgId === clientMsgId);
  }

  /** Shows the message at once as pending, then sends it (or waits for the connection). */
  send(roomId: string, content: string, options: SendOptions = {}): PendingMessage {
    const pending: PendingMessage = {
      clientMsgId: this.newId(),
      roomId,
      content,
      ...(options.threadRootId ? { threadRootId: options.threadRootId } : {}),
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      createdAt: this.now().toISOString(),
      status: 'pending',
      error: null,
    };
    this.setRoom(roomId, (list) => [...list, pending]);
    if (this.transport.isConnected()) void this.deliver(pending);
    return pending;
  }

  /** Sends a failed message again with the same clientMsgId, so it can only land once. */
  retry(roomId: string, clientMsgId: string): void {
    const pending = this.find(roomId, clientMsgId);
    if (!pending || pending.status !== 'failed') return;
    const again: PendingMessage = { ...pending, status: 'pending', error: null };
    this.replace(again);
    if (this.transport.isConnected()) void this.deliver(again);
  }

  discard(roomId: string, clientMsgId: string): void {
    this.setRoom(roomId, (list) =>
      list.some((p) => p.clientMsgId === clientMsgId) ? list.filter((p) => p.clientMsgId !== clientMsgId) : list,
    );
  }

  /**
   * After a (re)connect: sends what waited for the connection, and what timed out (the
   * answer was probably lost with the connection). Refusals stay failed for people to decide.
   */
  resendAfterReconnect(): void {
    for (const list of Object.values(this.getState())) {
      for (const p of list) {
        if (this.inFlight.has(p.clientMsgId)) continue;
        if (p.status === 'pending' || p.error?.code === 'TIMEOUT') {
          const again: PendingMessage = { ...p, status: 'pending', error: null };
          if (p.status !== 'pending') this.replace(again);
          void this.deliver(again);
        }
      }
    }
  }

  /** My messages seen stored (live, by ack, by sync or in a page): their pending copies go. */
  settle(roomId: string, stored: readonly Message[]): void {
    const ids = new Set(stored.map((m) => m.clientMsgId));
    this.setRoom(roomId, (list) => (list.some((p) => ids.has(p.clientMsgId)) ? list.filter((p) => !ids.has(p.clientMsgId)) : list));
  }

  forget(roomId: string): void {
    this.setRoom(roomId, () => []);
  }

  stop(): void {
    this.clearListeners();
  }

  /**
   * The server stored nothing and says so (its database is away for a moment): the message
   * stays pending, not failed, and goes again by itself with the same clientMsgId, backing
   * off, until it lands or is refused for a reason a person must see.
   */
  private tryAgainLater(pending: PendingMessage, serverWaitMs: number | undefined): void {
    const tries = (this.unavailableTries.get(pending.clientMsgId) ?? 0) + 1;
    this.unavailableTries.set(pending.clientMsgId, tries);
    if (tries === 1) this.hooks.onNotice('The server cannot store messages right now. Yours will be sent as soon as it can.');
    this.later(
      () => {
        const current = this.find(pending.roomId, pending.clientMsgId);
        // Gone (stored by another path, or discarded), already on the wire, or waiting for the
        // connection (a reconnect sends it): nothing to do here.
        if (!current || current.status !== 'pending' || this.inFlight.has(current.clientMsgId) || !this.transport.isConnected()) return;
        void this.deliver(current);
      },
      retryWaitMs(tries, serverWaitMs),
    );
  }

  private replace(next: PendingMessage): void {
    this.setRoom(next.roomId, (list) => list.map((p) => (p.clientMsgId === next.clientMsgId ? next : p)));
  }

  private async deliver(pending: PendingMessage): Promise<void> {
    const { roomId, clientMsgId, content, threadRootId, replyTo } = pending;
    this.inFlight.add(clientMsgId);
    try {
      // A retry carries the same thread and quote as the first attempt, or it would land elsewhere.
      const message = await this.transport.send({
        roomId,
        clientMsgId,
        content,
        ...(threadRootId ? { threadRootId } : {}),
        ...(replyTo ? { replyTo } : {}),
      });
      this.unavailableTries.delete(clientMsgId);
      this.hooks.onStored(message);
    } catch (err) {
      const code = errorCodeOf(err);
      const current = this.find(roomId, clientMsgId);
      // Nothing was stored, and the server says it will be able to: kept pending and sent
      // again by itself (an overloaded server names its wait; an unavailable one does not).
      if ((code === 'UNAVAILABLE' || code === 'OVERLOADED') && current?.status === 'pending') {
        this.tryAgainLater(current, retryAfterOf(err));
        return;
      }
      this.unavailableTries.delete(clientMsgId);
      if (current?.status === 'pending') this.replace({ ...current, status: 'failed', error: { code, message: failureText(code, err) } });
      if (code === 'RATE_LIMITED') this.hooks.onNotice("You're sending messages quickly. Wait a moment, then retry.");
    } finally {
      this.inFlight.delete(clientMsgId);
    }
  }
}
