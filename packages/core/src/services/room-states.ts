import type { Message, Role } from '@qc/shared';

export interface RoomStatesOptions {
  /** Rooms held at most; past it the one used longest ago is dropped. */
  maxRooms: number;
  /** Sends remembered per room, by sender and clientMsgId, to answer a repeat from memory. */
  recentPerRoom: number;
  /** A person refused as a non-member of a room is refused from memory for this long, then read again. */
  refusalHoldMs: number;
  now?: () => number;
}

export const DEFAULT_ROOM_STATES_OPTIONS: RoomStatesOptions = { maxRooms: 50_000, recentPerRoom: 256, refusalHoldMs: 1_000 };

/**
 * What memory says of a send before it is queued: `mutedUntil`, a moderator's mute still
 * running (ms since 1970); `readOnly`, the room is locked to this sender; `slowModeWaitMs`,
 * how long until slow mode lets this sender send again (null: now).
 */
export type SendCheck =
  | { member: true; repeat: Message | null; mutedUntil: number | null; readOnly: boolean; archived: boolean; slowModeWaitMs: number | null }
  | { member: false };

/** A room's pace as its staff set it (RoomRecord's slowModeSeconds and readOnly). */
export interface RoomPaceSettings {
  slowModeSeconds: number;
  readOnly: boolean;
  /** Archived: nobody posts, whatever their role. */
  archived: boolean;
}

/** The room roles slow mode and the read-only lock do not hold back. */
const PACE_EXEMPT: ReadonlySet<Role> = new Set(['moderator', 'admin', 'owner']);

interface RoomState {
  /** Members and their roles, as read from metadata; null when not read or dropped by a change. */
  members: Map<string, Role> | null;
  /** Members muted by a moderator, and until when (ms); read with the members, dropped with them. */
  silenced: Map<string, number>;
  /** Slow mode and the lock, read with the members. */
  pace: RoomPaceSettings;
  /** When each member's last send here was committed (ms), for slow mode. */
  lastSendAt: Map<string, number>;
  /** Who was refused, and when the refusal was read from the database. */
  refusedAt: Map<string, number>;
  lastSeq: number;
  /** `sender clientMsgId` → the stored message; insertion order is age. */
  recent: Map<string, Message>;
}

/**
 * The hot path's room state in memory (DESIGN.md "The hot path": the engine is a space):
 * each room's members and roles, its last seq and its recent client message ids, held by the
 * process that serves it, so a send is checked without a database round trip. A room's
 * members are read once, at its first send, and read again only after a membership change
 * (RoomEventBus, from any node) drops them.
 *
 * Memory answers quickly but is never the last word, so a stale entry can cost time and
 * never a wrong answer:
 *  - "member" lets the send into the queue; the group commit's statement checks membership
 *    again at that moment (a member removed on another node a moment ago is refused there,
 *    and `refusedAtCommit` corrects memory);
 *  - "not a member" is read again from the database before a send is refused (someone added
 *    on another node a moment ago is let in), and that refusal is held `refusalHoldMs`, so a
 *    stranger sending in a loop costs one read a second, not one per send;
 *  - a repeat (same sender and clientMsgId) answered from memory is a message that was
 *    committed, which is what the store would answer.
 */
export class RoomStates {
  private readonly rooms = new Map<string, RoomState>();
  private readonly reading = new Map<string, Promise<Map<string, Role> | null>>();
  private readonly now: () => number;

  constructor(
    /** The room's members and roles from metadata (an empty list for a room that is gone). */
    private readonly readMembers: (roomId: string) => Promise<{ userId: string; role: Role; silencedUntil?: Date | null }[]>,
    private readonly opts: RoomStatesOptions = DEFAULT_ROOM_STATES_OPTIONS,
    /** The room's slow mode and lock (off when not given). */
    private readonly readPace: (roomId: string) => Promise<RoomPaceSettings> = async () => ({
      slowModeSeconds: 0,
      readOnly: false,
      archived: false,
    }),
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** Whether the room is archived (its messages stay as they are, deletions aside): from memory when the room is held. */
  async archived(roomId: string): Promise<boolean> {
    if (!this.use(roomId).members) await this.read(roomId);
    return this.use(roomId).pace.archived;
  }

  /** Is the sender a member, and did this sender already send this clientMsgId here? At once when the room is held. */
  check(roomId: string, senderId: string, clientMsgId: string): SendCheck | Promise<SendCheck> {
    const state = this.use(roomId);
    if (state.members?.has(senderId)) return this.memberCheck(state, senderId, clientMsgId);
    const refused = state.refusedAt.get(senderId);
    if (state.members && refused !== undefined && this.now() - refused < this.opts.refusalHoldMs) return { member: false };
    return this.read(roomId).then((members) => {
      const now = this.use(roomId);
      if (members?.has(senderId)) return this.memberCheck(now, senderId, clientMsgId);
      now.refusedAt.set(senderId, this.now());
      return { member: false };
    });
  }

  private memberCheck(state: RoomState, senderId: string, clientMsgId: string): SendCheck {
    const until = state.silenced.get(senderId);
    const now = this.now();
    const role = state.members?.get(senderId);
    const held = role === undefined || !PACE_EXEMPT.has(role);
    const last = state.lastSendAt.get(senderId);
    const slowMs = state.pace.slowModeSeconds * 1000;
    return {
      member: true,
      repeat: state.recent.get(`${senderId} ${clientMsgId}`) ?? null,
      // A mute ends by itself: past its time it is simply no longer there.
      mutedUntil: until !== undefined && until > now ? until : null,
      readOnly: state.pace.archived || (held && state.pace.readOnly),
      archived: state.pace.archived,
      slowModeWaitMs: held && slowMs > 0 && last !== undefined && now - last < slowMs ? slowMs - (now - last) : null,
    };
  }

  /** The role memory holds for a member (undefined: not held, or not a member). */
  role(roomId: string, userId: string): Role | undefined {
    return this.rooms.get(roomId)?.members?.get(userId);
  }

  /** The highest seq this process saw committed in the room (0 when none). */
  lastSeq(roomId: string): number {
    return this.rooms.get(roomId)?.lastSeq ?? 0;
  }

  /** A send was committed: remember its clientMsgId (a repeat is answered from memory) and the room's seq. */
  committed(message: Message): void {
    const state = this.use(message.roomId);
    state.lastSeq = Math.max(state.lastSeq, message.seq);
    state.lastSendAt.set(message.senderId, this.now());
    if (state.lastSendAt.size > this.opts.recentPerRoom * 4) state.lastSendAt.delete(state.lastSendAt.keys().next().value!);
    const key = `${message.senderId} ${message.clientMsgId}`;
    state.recent.delete(key);
    state.recent.set(key, message);
    if (state.recent.size > this.opts.recentPerRoom) state.recent.delete(state.recent.keys().next().value!);
  }

  /** The commit found the sender is no longer a member: memory agrees from now on. */
  refusedAtCommit(roomId: string, senderId: string): void {
    const state = this.rooms.get(roomId);
    state?.members?.delete(senderId);
    state?.refusedAt.set(senderId, this.now());
  }

  /** The room's membership changed (here or on another node): its members are read again when next needed. */
  changed(roomId: string): void {
    const state = this.rooms.get(roomId);
    if (state) {
      state.members = null;
      state.refusedAt.clear();
    }
    // A read already on its way may have listed the members before the change: it is not kept.
    this.reading.delete(roomId);
  }

  /** Rooms held (for tests and health). */
  get size(): number {
    return this.rooms.size;
  }

  private use(roomId: string): RoomState {
    let state = this.rooms.get(roomId);
    if (state) {
      // Most recently used last, so the one used longest ago is the first to go past maxRooms.
      this.rooms.delete(roomId);
    } else {
      state = {
        members: null,
        silenced: new Map(),
        pace: { slowModeSeconds: 0, readOnly: false, archived: false },
        lastSendAt: new Map(),
        refusedAt: new Map(),
        lastSeq: 0,
        recent: new Map(),
      };
      if (this.rooms.size >= this.opts.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
    }
    this.rooms.set(roomId, state);
    return state;
  }

  /**
   * One read of the room's members shared by every concurrent caller. A change that came
   * while it ran makes it read again (once more at most): a list from before someone was
   * added must not refuse them.
   */
  private read(roomId: string, again = 1): Promise<Map<string, Role> | null> {
    const running = this.reading.get(roomId);
    if (running) return running;
    const reading: Promise<Map<string, Role> | null> = Promise.all([this.readMembers(roomId), this.readPace(roomId)]).then(
      ([list, pace]) => {
        const members = new Map(list.map((m) => [m.userId, m.role]));
        if (this.reading.get(roomId) !== reading) return again > 0 ? this.read(roomId, again - 1) : members;
        this.reading.delete(roomId);
        const state = this.use(roomId);
        state.members = members;
        state.silenced = new Map(list.flatMap((m) => (m.silencedUntil ? [[m.userId, m.silencedUntil.getTime()] as const] : [])));
        state.pace = pace;
        return members;
      },
      (err: unknown) => {
        if (this.reading.get(roomId) === reading) this.reading.delete(roomId);
        throw err;
      },
    );
    this.reading.set(roomId, reading);
    return reading;
  }
}
