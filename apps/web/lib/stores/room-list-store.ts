import type { Message, ModeratorMute, MyRoom, RoomNotifications, RoomPace, User } from '@qc/shared';
import { mentionsMe } from '../notify/notification-decision';
import { Observable } from './observable';

/*
 * My rooms, most recent activity first, with their unread counts and read markers; which
 * one is open; and the last one taken away from me (the page leaves it if it is open).
 * Unread counts move with new messages only: an edit or a reaction takes a seq in the room
 * but is not something new to read.
 */

export interface RoomListState {
  rooms: readonly MyRoom[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  openRoomId: string | null;
  removedRoomId: string | null;
}

function activityTime(room: MyRoom): string {
  return room.lastMessage?.createdAt ?? room.createdAt;
}

/** Most recent activity first, as GET /rooms returns them. */
function sortRooms(rooms: MyRoom[]): MyRoom[] {
  return rooms.sort((a, b) => (activityTime(a) < activityTime(b) ? 1 : activityTime(a) > activityTime(b) ? -1 : 0));
}

export class RoomListStore extends Observable<RoomListState> {
  constructor(
    private readonly meId: string,
    /** Whether the person is looking at this room now: then what arrives is read, not unread. */
    private readonly isLookingAt: (roomId: string) => boolean,
  ) {
    super({ rooms: [], status: 'loading', error: null, openRoomId: null, removedRoomId: null });
  }

  get rooms(): readonly MyRoom[] {
    return this.getState().rooms;
  }

  byId(roomId: string): MyRoom | undefined {
    return this.rooms.find((r) => r.id === roomId);
  }

  setOpen(roomId: string | null): void {
    if (this.getState().openRoomId !== roomId) this.setState({ ...this.getState(), openRoomId: roomId });
  }

  /** A fresh GET /rooms. What arrived live while it was on its way is newer than it, and kept. */
  replaceAll(fetched: readonly MyRoom[]): void {
    const local = new Map(this.rooms.map((r) => [r.id, r]));
    const merged = fetched.map((room) => {
      const mine = local.get(room.id);
      const fresher =
        mine && mine.lastSeq > room.lastSeq
          ? {
              ...room,
              lastSeq: mine.lastSeq,
              lastMessage: mine.lastMessage,
              unreadCount: mine.unreadCount,
              mentionCount: mine.mentionCount,
              readSeq: Math.max(room.readSeq, mine.readSeq),
            }
          : room;
      const next = this.isLookingAt(room.id) ? { ...fresher, unreadCount: 0, mentionCount: 0 } : fresher;
      // The same room as held keeps its identity, so its row in the list does not render again.
      return mine && sameValue(mine, next) ? mine : next;
    });
    const rooms = sortRooms(merged);
    const state = this.getState();
    // A refetch that changed nothing (the catch-up after connecting, usually) tells no one.
    if (
      state.status === 'ready' &&
      state.error === null &&
      rooms.length === state.rooms.length &&
      rooms.every((r, i) => r === state.rooms[i])
    )
      return;
    this.setState({ ...state, rooms, status: 'ready', error: null });
  }

  loadFailed(error: string): void {
    if (this.getState().status !== 'ready') this.setState({ ...this.getState(), status: 'error', error });
  }

  upsert(room: MyRoom): void {
    const others = this.rooms.filter((r) => r.id !== room.id);
    this.setState({ ...this.getState(), rooms: sortRooms([...others, room]) });
  }

  remove(roomId: string): void {
    this.setState({ ...this.getState(), rooms: this.rooms.filter((r) => r.id !== roomId), removedRoomId: roomId });
  }

  /** Someone changed their profile (`user:updated`): a direct room with them shows the new name and picture. */
  personChanged(user: User): void {
    if (!this.rooms.some((r) => r.peer?.id === user.id)) return;
    this.setState({ ...this.getState(), rooms: this.rooms.map((r) => (r.peer?.id === user.id ? { ...r, peer: user } : r)) });
  }

  private updateRoom(roomId: string, fn: (room: MyRoom) => MyRoom): void {
    let changed = false;
    const rooms = this.rooms.map((r) => {
      if (r.id !== roomId) return r;
      const next = fn(r);
      changed ||= next !== r;
      return next;
    });
    if (changed) this.setState({ ...this.getState(), rooms: sortRooms(rooms) });
  }

  /** New messages: the room's last message and unread count move. `lastSeq` makes it idempotent. */
  noteMessages(roomId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const looking = this.isLookingAt(roomId);
    this.updateRoom(roomId, (room) => {
      let next = room;
      for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
        if (m.seq <= next.lastSeq) {
          // Counted already (a room:activity told its seq before a sync brought it): only the preview moves.
          if (m.seq > (next.lastMessage?.seq ?? 0)) next = { ...next, lastMessage: m };
          continue;
        }
        const counts = m.senderId !== this.meId && !looking;
        const mentioned = counts && mentionsMe(m, this.meId);
        next = {
          ...next,
          lastSeq: m.seq,
          lastMessage: m,
          unreadCount: counts ? next.unreadCount + 1 : next.unreadCount,
          mentionCount: mentioned ? next.mentionCount + 1 : next.mentionCount,
        };
      }
      return next;
    });
  }

  /** A change to a message: the room's last seq moves; the preview follows if it is that message. */
  noteUpdate(roomId: string, seq: number, message: Message): void {
    this.updateRoom(roomId, (room) => {
      const preview = room.lastMessage?.id === message.id ? message : room.lastMessage;
      if (seq <= room.lastSeq && preview === room.lastMessage) return room;
      return { ...room, lastSeq: Math.max(room.lastSeq, seq), lastMessage: preview };
    });
  }

  /**
   * A large room I do not have open went up to `lastSeq` (`room:activity`: its messages are
   * not pushed to me until I open it). It is unread from my read marker to there, as the
   * server counts it in GET /rooms, changes included, as this device cannot tell them apart
   * unseen. Returns whether the room is now ahead of what was known.
   */
  noteActivity(roomId: string, lastSeq: number): boolean {
    let ahead = false;
    const looking = this.isLookingAt(roomId);
    this.updateRoom(roomId, (r) => {
      if (lastSeq <= r.lastSeq) return r;
      ahead = true;
      const unreadCount = looking ? r.unreadCount : Math.max(r.unreadCount, lastSeq - r.readSeq);
      return { ...r, lastSeq, unreadCount };
    });
    return ahead;
  }

  /** I read up to `seq` here (or on another device): only ever forward. */
  markRead(roomId: string, seq: number): void {
    this.updateRoom(roomId, (r) => {
      if (seq <= r.readSeq) return r;
      const unreadCount = seq >= r.lastSeq ? 0 : Math.min(r.unreadCount, r.lastSeq - seq);
      // Which of the unread mentions lie below `seq` this device cannot tell: all read, none left;
      // otherwise the count stays until the next GET /rooms says exactly.
      const mentionCount = seq >= r.lastSeq ? 0 : Math.min(r.mentionCount, unreadCount);
      return { ...r, readSeq: seq, unreadCount, mentionCount };
    });
  }

  /** The open room, being looked at: nothing in it is unread, whatever seq it reached. */
  clearUnread(roomId: string, seq: number): void {
    this.updateRoom(roomId, (r) =>
      r.unreadCount === 0 && r.mentionCount === 0 && r.readSeq >= seq
        ? r
        : { ...r, unreadCount: 0, mentionCount: 0, readSeq: Math.max(r.readSeq, seq) },
    );
  }

  /** My notification settings of the room (changed here or on another device). */
  setNotifications(roomId: string, notifications: RoomNotifications): void {
    this.updateRoom(roomId, (r) => ({ ...r, notifications }));
  }

  /** A moderator muted me in this room (or lifted it: null). */
  setModeratorMute(roomId: string, mute: ModeratorMute | null): void {
    this.updateRoom(roomId, ({ mutedByModerator: _was, ...r }) => (mute ? { ...r, mutedByModerator: mute } : r));
  }

  /** The room's staff changed its slow mode or lock, or the instance's archived it (`room:pace`). */
  setPace(pace: RoomPace): void {
    this.updateRoom(pace.roomId, ({ slowModeSeconds: _s, readOnly: _r, archived: _a, ...r }) => ({
      ...r,
      ...(pace.slowModeSeconds ? { slowModeSeconds: pace.slowModeSeconds } : {}),
      ...(pace.readOnly ? { readOnly: true } : {}),
      ...(pace.archived ? { archived: true } : {}),
    }));
  }

  setMemberCount(roomId: string, count: number): void {
    this.updateRoom(roomId, (r) => (r.memberCount === count ? r : { ...r, memberCount: count }));
  }

  addToMemberCount(roomId: string, delta: number): void {
    this.updateRoom(roomId, (r) => ({ ...r, memberCount: Math.max(0, r.memberCount + delta) }));
  }

  /** Where the "New" line goes in an opened room: after my read marker, if anything is unread. */
  firstUnreadSeq(roomId: string, lastShownSeq: number): number | null {
    const room = this.byId(roomId);
    if (!room || room.unreadCount === 0) return null;
    const first = room.readSeq + 1;
    return first <= lastShownSeq ? first : null;
  }

  stop(): void {
    this.clearListeners();
  }
}

/** Equal as the api sends them (plain JSON data). */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
