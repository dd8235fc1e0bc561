import type { Attachment, ErrorBody, Message } from '@qc/shared';
import { Observable, realSchedule, type Schedule } from './observable';

/*
 * Messages written on this device and not yet seen stored, per room, in the order they
 * were written. Each room sends one at a time, in that order: the next goes when the one
 * before it is stored or refused, so a retry can never overtake a later message. Every
 * attempt at a message carries the same clientMsgId, so the server stores it once however
 * many times it goes out.
 *
 * What keeps a message pending (sent again by itself) and what makes it fail (shown with
 * Retry) follows one rule: a failure that says nothing about the message itself (no
 * connection, no answer, a server that cannot store right now) is not a refusal; a coded
 * refusal of this message is, and people decide about it.
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
  /** Files uploaded for it (already on the server): they go with it, and show while it is pending. */
  attachments?: Attachment[];
  createdAt: string;
  /** pending: on its way, or waiting for the connection or its turn; failed: refused, shown with Retry. */
  status: 'pending' | 'failed';
  error: { code: SendErrorCode; message: string } | null;
}

/** Where a message goes besides its room: a thread, or under a quote. */
export interface SendOptions {
  threadRootId?: string;
  replyTo?: string;
  attachments?: Attachment[];
}

export type Outbox = Readonly<Record<string, readonly PendingMessage[]>>;

export interface OutboxTransport {
  isConnected(): boolean;
  /** Resolves with the stored message; rejects with a `code` (the server's, or TIMEOUT for no answer or a lost connection). */
  send(payload: { roomId: string; clientMsgId: string; content: string; threadRootId?: string; replyTo?: string; attachmentIds?: string[] }): Promise<Message>;
}

export interface OutboxHooks {
  /** The stored message from the ack: it goes into the timeline like any other. */
  onStored(message: Message): void;
  /** A failure worth telling people about beyond the message itself (a rate limit, a server that cannot store). */
  onNotice(text: string): void;
}

export interface OutboxOptions {
  newId: () => string;
  now?: () => Date;
  /** Timers for the waits between tries (specs drive them by hand). */
  schedule?: Schedule;
  /** What an earlier page load of this person left unsent (see outbox-persistence). */
  restored?: Outbox;
}

/** Rejections from the transport carry a code; anything else counts as INTERNAL. */
export function errorCodeOf(err: unknown): SendErrorCode {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code as SendErrorCode;
  return 'INTERNAL';
}

function failureText(code: SendErrorCode, err: unknown): string {
  if (code === 'RATE_LIMITED') return 'Slow down a little: wait a moment, then retry.';
  return err instanceof Error && err.message ? err.message : 'Not sent.';
}

/** Waits before the next try of a send that could not land yet: 1 s, 2 s, 4 s … up to 15 s. */
export function unavailableBackoffMs(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The wait before the next try: what the server asked for (OVERLOADED and RATE_LIMITED name
 * it), spread by up to half again so that everyone it refused at once does not come back at
 * once, and never less than our own backoff.
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

/**
 * Tries of a RATE_LIMITED send before it shows as failed. A burst written offline goes out
 * at once on reconnect and may run past the budget: the server names the wait, and the
 * message goes again after it. One that is still refused after these is shown to people.
 */
export const RATE_LIMITED_TRIES = 4;

/** What to do after a failed try: the message stays pending (and when it goes again), or it is refused. */
export type FailureVerdict =
  { kind: 'wait-for-connection' } | { kind: 'retry'; afterMs: number; cause: 'connection' | 'server' } | { kind: 'refused' };

/** The rule above, as one pure decision: `tries` counts this message's failed tries so far, this one included. */
export function verdictFor(code: SendErrorCode, tries: number, connected: boolean, serverWaitMs?: number): FailureVerdict {
  switch (code) {
    // No answer, or the connection went while it was out: it may or may not be stored; the
    // same clientMsgId again gets either the stored message or a first store.
    case 'TIMEOUT':
      return connected ? { kind: 'retry', afterMs: unavailableBackoffMs(tries), cause: 'connection' } : { kind: 'wait-for-connection' };
    // Nothing was stored, and the server says it will be able to.
    case 'UNAVAILABLE':
    case 'OVERLOADED':
      return { kind: 'retry', afterMs: retryWaitMs(tries, serverWaitMs), cause: 'server' };
    case 'RATE_LIMITED':
      return tries < RATE_LIMITED_TRIES
        ? { kind: 'retry', afterMs: retryWaitMs(tries, serverWaitMs), cause: 'server' }
        : { kind: 'refused' };
    default:
      return { kind: 'refused' };
  }
}

/** A room's one message on the wire, or waiting out the pause before its next try. */
interface Lane {
  clientMsgId: string;
  /** Set while waiting: cancels the timer. */
  cancel?: () => void;
  /** connection: a reconnect ends the wait at once; server: the server named the wait, and it is kept. */
  cause?: 'connection' | 'server';
}

export class OutboxStore extends Observable<Outbox> {
  /** Per room, the message being sent or waiting to be tried again; the room's others wait their turn. */
  private readonly lanes = new Map<string, Lane>();
  /** Failed tries so far per message, for the backoff and the RATE_LIMITED limit. */
  private readonly tries = new Map<string, number>();
  /** Acknowledged as stored, their pending copies kept until the timeline shows them: never sent again. */
  private readonly acked = new Set<string>();
  /** Told once per outage that the server cannot store right now, not on every try. */
  private toldUnavailable = false;
  private stopped = false;
  private readonly newId: () => string;
  private readonly now: () => Date;
  private readonly schedule: Schedule;

  constructor(
    private readonly transport: OutboxTransport,
    private readonly hooks: OutboxHooks,
    options: OutboxOptions,
  ) {
    super(options.restored ?? {});
    this.newId = options.newId;
    this.now = options.now ?? (() => new Date());
    this.schedule = options.schedule ?? realSchedule;
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

  /** Shows the message at once as pending, then sends it when its turn comes and there is a connection. */
  send(roomId: string, content: string, options: SendOptions = {}): PendingMessage {
    const pending: PendingMessage = {
      clientMsgId: this.newId(),
      roomId,
      content,
      ...(options.threadRootId ? { threadRootId: options.threadRootId } : {}),
      ...(options.replyTo ? { replyTo: options.replyTo } : {}),
      ...(options.attachments?.length ? { attachments: options.attachments } : {}),
      createdAt: this.now().toISOString(),
      status: 'pending',
      error: null,
    };
    this.setRoom(roomId, (list) => [...list, pending]);
    this.pump(roomId);
    return pending;
  }

  /** Sends a refused message again with the same clientMsgId, so it can only land once. */
  retry(roomId: string, clientMsgId: string): void {
    const failed = this.find(roomId, clientMsgId);
    if (!failed || failed.status !== 'failed') return;
    this.tries.delete(clientMsgId);
    this.replace({ ...failed, status: 'pending', error: null });
    this.pump(roomId);
  }

  discard(roomId: string, clientMsgId: string): void {
    this.remove(roomId, new Set([clientMsgId]));
  }

  /**
   * After a (re)connect: each room sends what waited for the connection, in order. A wait the
   * server named (OVERLOADED, RATE_LIMITED) is kept; a wait because of the connection ends now.
   */
  resendAfterReconnect(): void {
    for (const [roomId, lane] of this.lanes) {
      if (lane.cancel && lane.cause === 'connection') {
        lane.cancel();
        this.lanes.delete(roomId);
      }
    }
    for (const roomId of Object.keys(this.getState())) this.pump(roomId);
  }

  /** My messages seen stored (live, by ack, by sync or in a page): their pending copies go. */
  settle(roomId: string, stored: readonly Message[]): void {
    this.remove(roomId, new Set(stored.map((m) => m.clientMsgId)));
  }

  forget(roomId: string): void {
    this.remove(roomId, new Set(this.forRoom(roomId).map((p) => p.clientMsgId)));
  }

  stop(): void {
    this.stopped = true;
    for (const lane of this.lanes.values()) lane.cancel?.();
    this.lanes.clear();
    this.clearListeners();
  }

  private remove(roomId: string, ids: ReadonlySet<string>): void {
    const list = this.forRoom(roomId);
    if (!list.some((p) => ids.has(p.clientMsgId))) return;
    for (const id of ids) {
      this.tries.delete(id);
      this.acked.delete(id);
    }
    this.setRoom(roomId, (l) => l.filter((p) => !ids.has(p.clientMsgId)));
    // The room was waiting to try one of these again: the next one need not wait.
    const lane = this.lanes.get(roomId);
    if (lane?.cancel && ids.has(lane.clientMsgId)) {
      lane.cancel();
      this.lanes.delete(roomId);
      this.pump(roomId);
    }
  }

  private replace(next: PendingMessage): void {
    this.setRoom(next.roomId, (list) => list.map((p) => (p.clientMsgId === next.clientMsgId ? next : p)));
  }

  /** Sends the room's first pending message, unless one is already out or waiting, or there is no connection. */
  private pump(roomId: string): void {
    if (this.stopped || this.lanes.has(roomId) || !this.transport.isConnected()) return;
    const next = this.forRoom(roomId).find((p) => p.status === 'pending' && !this.acked.has(p.clientMsgId));
    if (next) void this.deliver(next);
  }

  private async deliver(pending: PendingMessage): Promise<void> {
    const { roomId, clientMsgId, content, threadRootId, replyTo, attachments } = pending;
    this.lanes.set(roomId, { clientMsgId });
    let message: Message;
    try {
      // A retry carries the same thread and quote as the first attempt, or it would land elsewhere.
      message = await this.transport.send({
        roomId,
        clientMsgId,
        content,
        ...(threadRootId ? { threadRootId } : {}),
        ...(replyTo ? { replyTo } : {}),
        ...(attachments?.length ? { attachmentIds: attachments.map((a) => a.id) } : {}),
      });
    } catch (err) {
      this.lanes.delete(roomId);
      if (this.stopped) return;
      this.failed(pending, err);
      return;
    }
    this.lanes.delete(roomId);
    if (this.stopped) return;
    this.tries.delete(clientMsgId);
    this.toldUnavailable = false;
    if (this.find(roomId, clientMsgId)) this.acked.add(clientMsgId);
    this.hooks.onStored(message);
    this.pump(roomId);
  }

  private failed(pending: PendingMessage, err: unknown): void {
    const { roomId, clientMsgId } = pending;
    const current = this.find(roomId, clientMsgId);
    // Settled by another path (its broadcast came first) or discarded meanwhile: on to the next.
    if (!current || current.status !== 'pending') {
      this.pump(roomId);
      return;
    }
    const code = errorCodeOf(err);
    const tries = (this.tries.get(clientMsgId) ?? 0) + 1;
    this.tries.set(clientMsgId, tries);
    const verdict = verdictFor(code, tries, this.transport.isConnected(), retryAfterOf(err));
    switch (verdict.kind) {
      case 'wait-for-connection':
        // The reconnect sends it (resendAfterReconnect).
        return;
      case 'retry': {
        if ((code === 'UNAVAILABLE' || code === 'OVERLOADED') && !this.toldUnavailable) {
          this.toldUnavailable = true;
          this.hooks.onNotice('The server cannot store messages right now. Yours will be sent as soon as it can.');
        }
        const lane: Lane = { clientMsgId, cause: verdict.cause };
        lane.cancel = this.schedule(() => {
          if (this.lanes.get(roomId) !== lane) return;
          this.lanes.delete(roomId);
          this.pump(roomId);
        }, verdict.afterMs);
        this.lanes.set(roomId, lane);
        return;
      }
      case 'refused':
        this.tries.delete(clientMsgId);
        this.replace({ ...current, status: 'failed', error: { code, message: failureText(code, err) } });
        if (code === 'RATE_LIMITED') this.hooks.onNotice("You're sending messages quickly. Wait a moment, then retry.");
        // A refusal is about this message only: the ones written after it go on.
        this.pump(roomId);
        return;
    }
  }
}
