interface Entry {
  members: number;
  at: number;
}

export interface RoomSizesOptions {
  /** A room of at least this many members is large (hybrid fan-out: pull, not push). */
  largeRoomMembers: number;
  /** How long a count is trusted before it is read again (in the background, the old count used meanwhile). */
  ttlMs: number;
  /** Rooms remembered at most; past it the least recently read is forgotten. */
  maxRooms?: number;
  now?: () => number;
}

/**
 * Each room's member count, for fan-out to choose push or pull without a query per message:
 * a room's first message reads its count once; after that the count is read again at most
 * once per `ttlMs`, in the background, while the one held answers at once. Membership
 * changes made by this process forget the room's count (`forget`), so it is read fresh at
 * its next message; a process that does not see them (apps/workers, another api node) is
 * at most `ttlMs` behind, which only matters for a room that crosses the threshold.
 */
export class RoomSizes {
  private readonly counts = new Map<string, Entry>();
  private readonly reading = new Map<string, Promise<number | null>>();
  private readonly ttlMs: number;
  readonly largeRoomMembers: number;
  private readonly maxRooms: number;
  private readonly now: () => number;

  constructor(
    /** The room's member count from metadata; null when the room is gone. */
    private readonly read: (roomId: string) => Promise<number | null>,
    opts: RoomSizesOptions,
    private readonly onReadError: (err: unknown, roomId: string) => void = () => undefined,
  ) {
    this.ttlMs = opts.ttlMs;
    this.largeRoomMembers = opts.largeRoomMembers;
    this.maxRooms = opts.maxRooms ?? 100_000;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The room's member count: at once when one is held (read again in the background when it
   * is older than the TTL), else after one read shared by every concurrent caller. A room
   * that cannot be read counts 0 (small: everyone is pushed to, the safe side).
   */
  members(roomId: string): number | Promise<number> {
    const held = this.counts.get(roomId);
    if (held) {
      // Most recently read last, so the oldest is the first to go past maxRooms.
      this.counts.delete(roomId);
      this.counts.set(roomId, held);
      if (this.now() - held.at >= this.ttlMs) void this.refresh(roomId);
      return held.members;
    }
    return this.refresh(roomId).then((n) => n ?? 0);
  }

  /** Whether the room has at least largeRoomMembers members (at once when its count is held). */
  isLarge(roomId: string): boolean | Promise<boolean> {
    const n = this.members(roomId);
    return typeof n === 'number' ? n >= this.largeRoomMembers : n.then((m) => m >= this.largeRoomMembers);
  }

  /** The room's membership changed here: its next message reads the count again. */
  forget(roomId: string): void {
    this.counts.delete(roomId);
    // A read already on its way may have counted before the change: it is not kept.
    this.reading.delete(roomId);
  }

  /** Rooms whose count is held (for tests and metrics). */
  get size(): number {
    return this.counts.size;
  }

  private refresh(roomId: string): Promise<number | null> {
    const running = this.reading.get(roomId);
    if (running) return running;
    const run: Promise<number | null> = this.read(roomId)
      .then(
        (members) => {
          if (this.reading.get(roomId) !== run) return members;
          if (members === null) this.counts.delete(roomId);
          else this.remember(roomId, members);
          return members;
        },
        (err: unknown) => {
          this.onReadError(err, roomId);
          // Held counts stay (a stale size beats none); without one, the room counts as small.
          return this.counts.get(roomId)?.members ?? null;
        },
      )
      .finally(() => {
        if (this.reading.get(roomId) === run) this.reading.delete(roomId);
      });
    this.reading.set(roomId, run);
    return run;
  }

  private remember(roomId: string, members: number) {
    this.counts.delete(roomId);
    this.counts.set(roomId, { members, at: this.now() });
    if (this.counts.size > this.maxRooms) {
      const oldest = this.counts.keys().next().value;
      if (oldest !== undefined) this.counts.delete(oldest);
    }
  }
}
