import { LIMITS, type Receipt, type RoomReceipts } from '@qc/shared';
import { AppError } from '../errors';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MetadataStore, ReceiptMove } from '../ports/metadata.port';
import type { RoomsService } from './rooms.service';

/** Runs `fn` once after `ms`; returns what cancels it. */
export type ReceiptTimer = (fn: () => void, ms: number) => () => void;

export interface ReceiptsServiceOptions {
  /** A room's pointer moves within this long go out together (LIMITS.receiptFlushMs). */
  flushMs?: number;
  /** Specs pass a manual timer and decide when the window ends. */
  timer?: ReceiptTimer;
  /** A broadcast that throws in a timer would take the process down: it is reported here instead. */
  onBroadcastError?: (err: unknown, what: string) => void;
}

// unref: a pending window never keeps a process alive; close() sends what it holds.
const realTimer: ReceiptTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/**
 * Delivered and read receipts: two pointers per member and room, moved forward only, so
 * "seen by" costs O(members) whatever the history length (see DESIGN.md, Receipts).
 *
 * Why broadcasts are coalesced per room: a device reports `room:delivered` for nearly
 * every message it gets, so in a busy room each message would otherwise fan out one
 * receipt per member to every member (members² emits per message). Within a window the
 * moves are merged, and each member who moved is sent once with their latest pointers.
 * Each node coalesces its own moves; the Broadcaster carries the result to every node.
 */
export class ReceiptsService {
  private readonly flushMs: number;
  private readonly timer: ReceiptTimer;
  private readonly onBroadcastError: (err: unknown, what: string) => void;
  /** Per room: who moved since its last broadcast (their latest pointers), and the window's timer. */
  private readonly pending = new Map<string, { moved: Map<string, Receipt>; cancel: () => void }>();
  private closed = false;

  constructor(
    private readonly rooms: RoomsService,
    private readonly meta: MetadataStore,
    private readonly broadcaster: Broadcaster,
    opts: ReceiptsServiceOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? LIMITS.receiptFlushMs;
    this.timer = opts.timer ?? realTimer;
    this.onBroadcastError = opts.onBroadcastError ?? (() => undefined);
  }

  /** The highest seq some device of the member received; returns their delivered pointer. */
  async markDelivered(userId: string, roomId: string, seq: number): Promise<number> {
    await this.rooms.requireMember(roomId, userId);
    const move = await this.meta.advanceDeliveredMarker(roomId, userId, seq);
    // Null only if they left between the check and the write.
    if (!move) throw AppError.forbidden();
    this.note(roomId, move);
    return move.deliveredSeq;
  }

  /** Moves the read pointer and tells the member's other devices (their unread counts) at once. */
  async markRead(userId: string, roomId: string, seq: number): Promise<number> {
    await this.rooms.requireMember(roomId, userId);
    const move = await this.meta.advanceReadReceipt(roomId, userId, seq);
    if (!move) throw AppError.forbidden();
    this.broadcaster.toUser(userId, 'room:read', { roomId, readSeq: move.readSeq });
    this.note(roomId, move);
    return move.readSeq;
  }

  /** Every member's pointers, for the room's members. */
  async list(userId: string, roomId: string): Promise<RoomReceipts> {
    await this.rooms.requireMember(roomId, userId);
    const rows = await this.meta.listReceipts(roomId);
    return { receipts: rows.map((r) => ({ roomId, userId: r.userId, deliveredSeq: r.deliveredSeq, readSeq: r.readSeq })) };
  }

  /** Sends every room's pending receipts now; returns how many. */
  flush(): number {
    let n = 0;
    for (const roomId of [...this.pending.keys()]) n += this.flushRoom(roomId);
    return n;
  }

  /** On shutdown: what is pending still goes out (other nodes' members see it), then nothing more is held. */
  close() {
    this.closed = true;
    this.flush();
  }

  private note(roomId: string, move: ReceiptMove) {
    // A pointer already ahead changed nothing: nobody needs to hear about it.
    if (!move.moved || this.closed) return;
    let room = this.pending.get(roomId);
    if (!room) {
      room = { moved: new Map(), cancel: this.timer(() => this.flushRoom(roomId), this.flushMs) };
      this.pending.set(roomId, room);
    }
    const prev = room.moved.get(move.userId);
    // Concurrent moves can resolve out of order; pointers only grow, so the larger is the latest.
    room.moved.set(move.userId, {
      roomId,
      userId: move.userId,
      deliveredSeq: Math.max(prev?.deliveredSeq ?? 0, move.deliveredSeq),
      readSeq: Math.max(prev?.readSeq ?? 0, move.readSeq),
    });
  }

  private flushRoom(roomId: string): number {
    const room = this.pending.get(roomId);
    if (!room) return 0;
    this.pending.delete(roomId);
    room.cancel();
    try {
      for (const receipt of room.moved.values()) this.broadcaster.toRoom(roomId, 'receipt', receipt);
    } catch (err) {
      // Best effort, like any live emit: the pointers are stored, and GET …/receipts or the
      // next move tells whoever missed this.
      this.onBroadcastError(err, 'receipt broadcast');
    }
    return room.moved.size;
  }
}
