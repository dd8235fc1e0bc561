import { LIMITS, type MyRoom, type PresenceStatus, type TypingEvent } from '@qc/shared';
import { Observable, realSchedule, type Schedule } from './observable';

/*
 * Who is online, and who is typing where. Both are volatile: a lost "stopped typing" must
 * not leave the line up forever, so every "is typing" expires on its own after the TTL
 * unless renewed (Element's TypingStore does the same).
 */

export interface PresenceState {
  presence: Readonly<Record<string, PresenceStatus>>;
  /** Who is typing in each room, in the order they started. */
  typing: Readonly<Record<string, readonly string[]>>;
}

export class PresenceStore extends Observable<PresenceState> {
  private readonly expiries = new Map<string, () => void>();

  constructor(
    private readonly meId: string,
    private readonly schedule: Schedule = realSchedule,
  ) {
    super({ presence: {}, typing: {} });
  }

  setPresence(userId: string, status: PresenceStatus): void {
    const { presence } = this.getState();
    if (presence[userId] !== status) this.setState({ ...this.getState(), presence: { ...presence, [userId]: status } });
  }

  setMany(entries: readonly (readonly [string, PresenceStatus])[]): void {
    const { presence } = this.getState();
    const changed = entries.filter(([id, status]) => presence[id] !== status);
    if (changed.length) this.setState({ ...this.getState(), presence: { ...presence, ...Object.fromEntries(changed) } });
  }

  /**
   * Direct rooms carry their peer's presence as of when they were read; `presence` events
   * keep it fresh after that, so a snapshot never overwrites what is already known.
   */
  seedFromRooms(rooms: readonly MyRoom[]): void {
    const { presence } = this.getState();
    const fresh = rooms.flatMap((r) =>
      r.peer && r.peerPresence && presence[r.peer.id] === undefined ? [[r.peer.id, r.peerPresence] as const] : [],
    );
    if (fresh.length) this.setMany(fresh);
  }

  typingEvent({ roomId, userId, isTyping }: TypingEvent): void {
    if (userId === this.meId) return;
    if (!isTyping) {
      this.stoppedTyping(roomId, userId);
      return;
    }
    const key = `${roomId} ${userId}`;
    this.expiries.get(key)?.();
    this.expiries.set(
      key,
      this.schedule(() => this.stoppedTyping(roomId, userId), LIMITS.typingTtlMs),
    );
    const current = this.getState().typing[roomId] ?? [];
    if (!current.includes(userId))
      this.setState({ ...this.getState(), typing: { ...this.getState().typing, [roomId]: [...current, userId] } });
  }

  /** Their message landed, they left, or they said so: the line goes. */
  stoppedTyping(roomId: string, userId: string): void {
    const key = `${roomId} ${userId}`;
    this.expiries.get(key)?.();
    this.expiries.delete(key);
    const current = this.getState().typing[roomId];
    if (!current?.includes(userId)) return;
    this.setState({ ...this.getState(), typing: { ...this.getState().typing, [roomId]: current.filter((id) => id !== userId) } });
  }

  stop(): void {
    for (const cancel of this.expiries.values()) cancel();
    this.expiries.clear();
    this.clearListeners();
  }
}

const TYPING_RENEW_MS = 2_000;

/**
 * My own typing, told to the room: on each keystroke at most every 2 s (well inside the
 * others' TTL), and "stopped" once when the text is sent, cleared or the composer left.
 */
export class TypingNotifier {
  private readonly sentAt = new Map<string, number>();

  constructor(
    private readonly send: (roomId: string, isTyping: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  keystroke(roomId: string): void {
    const now = this.now();
    if (now - (this.sentAt.get(roomId) ?? Number.NEGATIVE_INFINITY) < TYPING_RENEW_MS) return;
    this.sentAt.set(roomId, now);
    this.send(roomId, true);
  }

  stopped(roomId: string): void {
    if (!this.sentAt.delete(roomId)) return;
    this.send(roomId, false);
  }
}
