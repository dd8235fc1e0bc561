import { LIMITS } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { TypingMark, TypingStore } from '../ports/typing.port';
import { StateCoalescer } from '../lib/state-coalescer';

export interface TypingServiceOptions {
  /** A mark not renewed within this long is gone (the client renews while the person types). */
  ttlMs?: number;
  /** How often this node looks for marks that ran out; a "stopped" is at most this late. */
  sweepEveryMs?: number;
  /** Typing is best effort: a store that is away is logged, never an error for the typist. */
  onStoreError?: (err: unknown, what: string) => void;
  /**
   * At most one typing broadcast per person per room per this many ms (0 = every event);
   * a change inside it is told at its end. Renewals arrive every 2 s, so two tellings can
   * be up to this plus 2 s apart: that must stay under the client's 5 s indicator TTL
   * (LIMITS.typingTtlMs) with room for network jitter, or indicators flicker off.
   */
  broadcastEveryMs?: number;
}

interface TypingState {
  isTyping: boolean;
  /** The typist's own socket, left out of the broadcast. */
  socketId?: string;
}

/**
 * Typing indicators are volatile and expire by themselves: if a client stops renewing
 * (closed tab, lost network, its node died) the others see "stopped typing" within the
 * TTL plus one sweep. The marks live in the TypingStore, so with several api nodes a
 * renewal on any node extends the same mark and one node announces each end.
 *
 * Broadcasts are coalesced per person and room (issue #10 measured 2,000 events turned
 * into 1,901 broadcasts): a change is told at most once per `broadcastEveryMs`, a renewal
 * only once that long after the last, and a renewal within a second of the last telling
 * does not even touch the store.
 */
export class TypingService {
  private readonly ttlMs: number;
  private readonly sweepEveryMs: number;
  private readonly onStoreError: (err: unknown, what: string) => void;
  private sweeper: NodeJS.Timeout | null = null;
  private sweeping = false;
  private readonly told: StateCoalescer<TypingState>;

  constructor(
    private readonly store: TypingStore,
    private readonly broadcaster: Broadcaster,
    opts: TypingServiceOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? LIMITS.typingTtlMs;
    this.sweepEveryMs = opts.sweepEveryMs ?? 500;
    this.onStoreError = opts.onStoreError ?? (() => undefined);
    this.told = new StateCoalescer<TypingState>(
      opts.broadcastEveryMs ?? 2_000,
      (key, state) => {
        const [roomId, userId] = key.split(' ') as [string, string];
        this.broadcaster.toRoom(
          roomId,
          'typing',
          { roomId, userId, isTyping: state.isTyping },
          // Not volatile: a volatile packet is dropped whenever the socket cannot take it at
          // that moment (a long-polling client between polls, a busy buffer), and since a
          // start is told once per gap, one drop hid a person's typing for good (an e2e
          // spec saw it on a loaded machine). Coalesced, these are few enough to queue.
          { exceptSocketId: state.socketId },
        );
      },
      (a, b) => a.isTyping === b.isTyping,
    );
  }

  /** The caller has already checked membership. */
  async typing(userId: string, roomId: string, isTyping: boolean, socketId?: string): Promise<void> {
    const mark = { roomId, userId };
    const key = `${roomId} ${userId}`;
    if (isTyping) {
      // Told within the last second: this renewal would change nothing, not even the mark's TTL by much.
      if (this.told.settled(key, { isTyping: true }, 1_000)) return;
      try {
        await this.store.start(mark, this.ttlMs);
      } catch (err) {
        // Without a mark nobody would announce its end: show nothing rather than a stuck indicator.
        this.onStoreError(err, 'typing start');
        return;
      }
      // A renewal is told once a gap has passed: someone who joined the room since sees the indicator too.
      await this.told.offer(key, { isTyping: true, socketId }, { renew: true });
      return;
    }
    const wasTyping = await this.store.stop(mark).catch((err: unknown) => {
      this.onStoreError(err, 'typing stop');
      return true; // an extra "stopped" is harmless, a missing one leaves the indicator up
    });
    if (wasTyping) this.announceStopped(mark, socketId);
  }

  /** A message sent ends its sender's typing indicator. */
  stopped(userId: string, roomId: string): Promise<void> {
    return this.typing(userId, roomId, false);
  }

  /** Starts this node's sweeper; every node runs one, the store hands each expired mark to one. */
  start() {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => void this.sweep(), this.sweepEveryMs);
    this.sweeper.unref();
  }

  /** Announces the end of every mark that ran out. Returns how many. */
  async sweep(): Promise<number> {
    if (this.sweeping) return 0;
    this.sweeping = true;
    let n = 0;
    try {
      for (let batch = await this.store.takeExpired(200); batch.length; batch = await this.store.takeExpired(200)) {
        for (const mark of batch) this.announceStopped(mark);
        n += batch.length;
      }
    } catch (err) {
      this.onStoreError(err, 'typing sweep');
    } finally {
      this.sweeping = false;
    }
    return n;
  }

  close() {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    this.told.close();
  }

  private announceStopped({ roomId, userId }: TypingMark, socketId?: string) {
    void this.told.offer(`${roomId} ${userId}`, { isTyping: false, socketId });
  }
}
