import type { Receipt } from '@qc/shared';
import { Observable, realSchedule, type Schedule } from './observable';

/*
 * Per room and member, two pointers: delivered to some device of theirs, and read, up to a
 * seq (DESIGN.md "Receipts"). Pointers only move forward: a late or replayed receipt, or a
 * REST snapshot older than an event, never moves one back.
 */

export interface Pointers {
  deliveredSeq: number;
  readSeq: number;
}

/** roomId → userId → pointers. */
export type ReceiptsState = Readonly<Record<string, Readonly<Record<string, Pointers>>>>;

export class ReceiptsStore extends Observable<ReceiptsState> {
  constructor() {
    super({});
  }

  forRoom(roomId: string): Readonly<Record<string, Pointers>> | undefined {
    return this.getState()[roomId];
  }

  /** Applies receipts (an event, or a GET snapshot), each pointer taking the higher of old and new. */
  apply(receipts: readonly Receipt[]): void {
    let state = this.getState();
    for (const r of receipts) {
      const room = state[r.roomId] ?? {};
      const held = room[r.userId];
      // Read implies delivered: a device that read up to a seq received it.
      const deliveredSeq = Math.max(held?.deliveredSeq ?? 0, r.deliveredSeq, r.readSeq);
      const readSeq = Math.max(held?.readSeq ?? 0, r.readSeq);
      if (held && held.deliveredSeq === deliveredSeq && held.readSeq === readSeq) continue;
      state = { ...state, [r.roomId]: { ...room, [r.userId]: { deliveredSeq, readSeq } } };
    }
    this.setState(state);
  }

  forget(roomId: string): void {
    if (!this.getState()[roomId]) return;
    const next = { ...this.getState() };
    delete next[roomId];
    this.setState(next);
  }

  stop(): void {
    this.clearListeners();
  }
}

/** The state of one of my messages for the people it went to. */
export type Tick = 'sent' | 'delivered' | 'read';

/** In a direct room: read if the other person read up to it, delivered if a device of theirs has it. */
export function tickFor(seq: number, peer: Pointers | undefined): Tick {
  if (peer && peer.readSeq >= seq) return 'read';
  if (peer && peer.deliveredSeq >= seq) return 'delivered';
  return 'sent';
}

/** In a group: the members other than the sender whose read marker reached the message. */
export function seenBy(seq: number, pointers: Readonly<Record<string, Pointers>> | undefined, senderId: string): string[] {
  if (!pointers) return [];
  return Object.entries(pointers)
    .filter(([userId, p]) => userId !== senderId && p.readSeq >= seq)
    .map(([userId]) => userId);
}

/**
 * Tells the server, at most once per interval per room, the highest seq this device has
 * received there. Many messages in a burst make one `room:delivered`, and a pointer that
 * did not move sends nothing.
 */
export class DeliveredReporter {
  private readonly wanted = new Map<string, number>();
  private readonly sent = new Map<string, number>();
  private readonly timers = new Map<string, () => void>();

  constructor(
    private readonly send: (roomId: string, seq: number) => Promise<unknown>,
    private readonly intervalMs = 500,
    private readonly schedule: Schedule = realSchedule,
  ) {}

  note(roomId: string, seq: number): void {
    if (seq <= Math.max(this.wanted.get(roomId) ?? 0, this.sent.get(roomId) ?? 0)) return;
    this.wanted.set(roomId, seq);
    if (this.timers.has(roomId)) return;
    this.timers.set(
      roomId,
      this.schedule(() => this.flush(roomId), this.intervalMs),
    );
  }

  private flush(roomId: string): void {
    this.timers.delete(roomId);
    const seq = this.wanted.get(roomId);
    this.wanted.delete(roomId);
    if (seq === undefined || seq <= (this.sent.get(roomId) ?? 0)) return;
    this.sent.set(roomId, seq);
    this.send(roomId, seq).catch(() => {
      // Say it again with the next message, or after the next reconnect.
      if (this.sent.get(roomId) === seq) this.sent.delete(roomId);
    });
  }

  /** After a reconnect the server may have missed the last one: allow sending it again. */
  reset(): void {
    this.sent.clear();
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }
}
