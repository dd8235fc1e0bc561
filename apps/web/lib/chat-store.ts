import {
  LIMITS,
  type CreateRoomBody,
  type Member,
  type Message,
  type MyRoom,
  type PresenceEvent,
  type PresenceStatus,
  type TypingEvent,
  type User,
} from '@qc/shared';
import { api } from './api';
import {
  createChatSocket,
  markRoomRead,
  sendMessage,
  sendTyping,
  setPresence,
  SocketRequestError,
  syncRoom,
  type ChatSocket,
} from './chat-socket';
import { newClientMsgId } from './client-msg-id';
import { ApiError } from './http';
import { highestSeq, mergeNewer, prependOlder } from './room-timeline';
import { session } from './session';

/*
 * Everything the chat screen shows, kept in one place and fed by REST and the socket.
 * State is replaced (never mutated) on each change so React can subscribe to it with
 * useSyncExternalStore and memoised parts re-render only when their slice changed.
 */

export type ConnectionState = 'connecting' | 'online' | 'reconnecting';

export interface PendingMessage {
  clientMsgId: string;
  roomId: string;
  content: string;
  createdAt: string;
  status: 'pending' | 'failed';
  error: { code: string; message: string } | null;
}

export interface Timeline {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Contiguous and ascending by seq: what people see. */
  messages: readonly Message[];
  hasOlder: boolean;
  loadingOlder: boolean;
  /** Sent from this device and not yet seen stored, in the order they were written. */
  pending: readonly PendingMessage[];
  /** The first message that was unread when the room was opened: where the "New" line goes. */
  firstUnreadSeq: number | null;
}

export interface ChatState {
  me: User;
  connection: ConnectionState;
  myStatus: 'online' | 'away';
  rooms: readonly MyRoom[];
  roomsStatus: 'loading' | 'ready' | 'error';
  roomsError: string | null;
  timelines: Readonly<Record<string, Timeline>>;
  members: Readonly<Record<string, readonly Member[]>>;
  presence: Readonly<Record<string, PresenceStatus>>;
  /** Everyone we have met (peers, members, senders): for names and avatars. */
  users: Readonly<Record<string, User>>;
  /** Who is typing in each room, in the order they started. */
  typing: Readonly<Record<string, readonly string[]>>;
  openRoomId: string | null;
  /** A gentle message for people (rate limits, failures that are not tied to one message). */
  notice: string | null;
  /** The last room taken away from me; the page leaves it if it is open. */
  removedRoomId: string | null;
}

type Listener = () => void;

const IDLE_AFTER_MS = 5 * 60_000;
const TYPING_RENEW_MS = 2_000;
const SYNC_RETRY_MS = 2_000;
const RECONNECT_RETRY_MS = 3_000;

const EMPTY_TIMELINE: Timeline = {
  status: 'loading',
  error: null,
  messages: [],
  hasOlder: false,
  loadingOlder: false,
  pending: [],
  firstUnreadSeq: null,
};

function activityTime(room: MyRoom): string {
  return room.lastMessage?.createdAt ?? room.createdAt;
}

/** Most recent activity first, as GET /rooms returns them. */
function sortRooms(rooms: MyRoom[]): MyRoom[] {
  return rooms.sort((a, b) => (activityTime(a) < activityTime(b) ? 1 : activityTime(a) > activityTime(b) ? -1 : 0));
}

function describeError(err: unknown, fallback: string): string {
  return err instanceof Error && err.message ? err.message : fallback;
}

function isPageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState === 'visible';
}

/**
 * Direct rooms carry their peer's presence as of the moment they were read; `presence`
 * events keep it fresh after that, so a snapshot never overwrites a newer event.
 */
function withPeerPresence(current: Record<string, PresenceStatus>, rooms: readonly MyRoom[]): Record<string, PresenceStatus> {
  let next = current;
  for (const r of rooms) {
    if (!r.peer || !r.peerPresence || current[r.peer.id] !== undefined) continue;
    if (next === current) next = { ...current };
    next[r.peer.id] = r.peerPresence;
  }
  return next;
}

export class ChatStore {
  private state: ChatState;
  private readonly listeners = new Set<Listener>();
  private socket: ChatSocket | null = null;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];

  /** Per room: messages that arrived past a hole, held back until a sync fills it. */
  private readonly waiting = new Map<string, Message[]>();
  private readonly syncs = new Map<string, Promise<void>>();
  private readonly resyncWanted = new Set<string>();
  private readonly syncRetryTimers = new Map<string, ReturnType<typeof setTimeout>>();

  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly readSent = new Map<string, number>();
  private readonly membersLoads = new Map<string, Promise<void>>();

  /** Bumped on every socket connect, so work started before a reconnect can tell. */
  private connectEpoch = 0;
  private authFailures = 0;
  private idle = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private lastActivityAt = 0;

  constructor(me: User) {
    this.state = {
      me,
      connection: 'connecting',
      myStatus: 'online',
      rooms: [],
      roomsStatus: 'loading',
      roomsError: null,
      timelines: {},
      members: {},
      presence: {},
      users: { [me.id]: me },
      typing: {},
      openRoomId: null,
      notice: null,
      removedRoomId: null,
    };
  }

  // ---------- subscription ----------

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): ChatState => this.state;

  private patch(partial: Partial<ChatState>): void {
    this.state = { ...this.state, ...partial };
    for (const listener of this.listeners) listener();
  }

  get meId(): string {
    return this.state.me.id;
  }

  // ---------- lifecycle ----------

  start(): void {
    const socket = createChatSocket(() => session.accessToken);
    this.socket = socket;

    socket.on('connect', () => {
      this.authFailures = 0;
      this.connectEpoch += 1;
      void this.catchUp();
    });
    socket.on('disconnect', (reason) => {
      this.patch({ connection: this.connectEpoch > 0 ? 'reconnecting' : 'connecting' });
      // The server closed us on purpose (token revoked or expired): it will not come back by
      // itself, so get a fresh token and dial again.
      if (reason === 'io server disconnect') void this.reconnectWithFreshToken();
    });
    socket.on('connect_error', (err) => {
      if (this.connectEpoch > 0) this.patch({ connection: 'reconnecting' });
      if (err.message === 'UNAUTHENTICATED') {
        void this.reconnectWithFreshToken();
      } else if (!socket.active) {
        // A refusal by the server's middleware is final for socket.io; anything else it retries.
        setTimeout(() => this.redial(), RECONNECT_RETRY_MS);
      }
    });

    socket.on('message:new', (m) => this.handleMessageNew(m));
    socket.on('typing', (e) => this.handleTyping(e));
    socket.on('presence', (e) => this.handlePresence(e));
    socket.on('room:read', (e) => this.handleReadElsewhere(e.roomId, e.readSeq));
    socket.on('room:added', (room) => this.upsertRoom(room));
    socket.on('room:removed', (e) => this.forgetRoom(e.roomId));
    socket.on('member:changed', (e) => this.handleMemberChanged(e.roomId, e.userId, e.change));

    this.listenForPageState();
    this.cleanups.push(
      session.subscribe(() => {
        const user = session.user;
        if (user && user.id === this.state.me.id && user !== this.state.me) {
          this.patch({ me: user, users: { ...this.state.users, [user.id]: user } });
        }
      }),
    );

    void this.loadRooms();
    socket.connect();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    for (const timer of this.syncRetryTimers.values()) clearTimeout(timer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.listeners.clear();
  }

  private redial(): void {
    const socket = this.socket;
    if (!this.stopped && socket && !socket.connected && !socket.active) socket.connect();
  }

  private async reconnectWithFreshToken(): Promise<void> {
    this.authFailures += 1;
    const token = await session.refresh();
    // No token: the session is over and the page sends people to sign in.
    if (!token || this.stopped) return;
    // If the server keeps refusing a fresh token, back off instead of hammering it.
    const delay = this.authFailures > 1 ? Math.min(30_000, 1000 * 2 ** this.authFailures) : 0;
    setTimeout(() => this.redial(), delay);
  }

  /**
   * After every (re)connect: refetch the room list (unread counts), and for every room
   * already on screen ask for everything after the last seq seen. Nothing is cleared
   * first, so the catch-up is silent; the banner goes away once it is done.
   */
  private async catchUp(): Promise<void> {
    const epoch = this.connectEpoch;
    if (this.socket) setPresence(this.socket, { status: this.state.myStatus });
    const loaded = Object.entries(this.state.timelines)
      .filter(([, t]) => t.status === 'ready')
      .map(([roomId]) => roomId);
    const open = this.state.openRoomId;
    await Promise.allSettled([
      this.loadRooms(),
      ...loaded.map((roomId) => this.sync(roomId)),
      open ? this.loadMembers(open) : Promise.resolve(),
    ]);
    if (this.stopped || epoch !== this.connectEpoch || !this.socket?.connected) return;
    this.patch({ connection: 'online' });
    if (open) this.markRead(open);
  }

  // ---------- page visibility and idleness → presence ----------

  private listenForPageState(): void {
    if (typeof document === 'undefined') return;
    const onVisibility = () => {
      this.updateMyStatus();
      const open = this.state.openRoomId;
      if (open && isPageVisible()) this.markRead(open);
    };
    const onActivity = () => {
      const now = Date.now();
      if (!this.idle && now - this.lastActivityAt < 1000) return;
      this.lastActivityAt = now;
      this.idle = false;
      this.updateMyStatus();
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        this.idle = true;
        this.updateMyStatus();
      }, IDLE_AFTER_MS);
    };
    const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
    document.addEventListener('visibilitychange', onVisibility);
    for (const type of activityEvents) window.addEventListener(type, onActivity, { passive: true });
    onActivity();
    this.cleanups.push(() => {
      document.removeEventListener('visibilitychange', onVisibility);
      for (const type of activityEvents) window.removeEventListener(type, onActivity);
    });
  }

  private updateMyStatus(): void {
    const status = !isPageVisible() || this.idle ? 'away' : 'online';
    if (status === this.state.myStatus) return;
    this.patch({ myStatus: status });
    if (this.socket) setPresence(this.socket, { status });
  }

  // ---------- rooms ----------

  async loadRooms(): Promise<void> {
    try {
      const fetched = await api.listRooms();
      if (this.stopped) return;
      const local = new Map(this.state.rooms.map((r) => [r.id, r]));
      const open = this.state.openRoomId;
      const merged = fetched.map((room) => {
        const mine = local.get(room.id);
        // A message:new that landed while the list was being built is newer than the list.
        const fresher =
          mine && mine.lastSeq > room.lastSeq
            ? { ...room, lastSeq: mine.lastSeq, lastMessage: mine.lastMessage, unreadCount: mine.unreadCount }
            : room;
        return room.id === open && isPageVisible() ? { ...fresher, unreadCount: 0 } : fresher;
      });
      this.patch({
        rooms: sortRooms(merged),
        roomsStatus: 'ready',
        roomsError: null,
        users: this.withUsers(fetched.flatMap((r) => (r.peer ? [r.peer] : []))),
        presence: withPeerPresence(this.state.presence, fetched),
      });
    } catch (err) {
      if (this.state.roomsStatus !== 'ready') {
        this.patch({ roomsStatus: 'error', roomsError: describeError(err, 'Could not load your conversations.') });
      }
    }
  }

  roomById(roomId: string): MyRoom | undefined {
    return this.state.rooms.find((r) => r.id === roomId);
  }

  private updateRoom(roomId: string, fn: (room: MyRoom) => MyRoom): void {
    let changed = false;
    const rooms = this.state.rooms.map((r) => {
      if (r.id !== roomId) return r;
      const next = fn(r);
      changed ||= next !== r;
      return next;
    });
    if (changed) this.patch({ rooms: sortRooms(rooms) });
  }

  upsertRoom(room: MyRoom): void {
    const others = this.state.rooms.filter((r) => r.id !== room.id);
    this.patch({
      rooms: sortRooms([...others, room]),
      users: room.peer ? this.withUsers([room.peer]) : this.state.users,
      presence: withPeerPresence(this.state.presence, [room]),
    });
  }

  private async fetchRoom(roomId: string): Promise<MyRoom | null> {
    try {
      const room = await api.getRoom(roomId);
      if (!this.stopped) this.upsertRoom(room);
      return room;
    } catch {
      return null;
    }
  }

  private forgetRoom(roomId: string): void {
    const timelines = { ...this.state.timelines };
    delete timelines[roomId];
    const members = { ...this.state.members };
    delete members[roomId];
    this.waiting.delete(roomId);
    this.readSent.delete(roomId);
    this.patch({
      rooms: this.state.rooms.filter((r) => r.id !== roomId),
      timelines,
      members,
      removedRoomId: roomId,
    });
  }

  async createRoom(body: CreateRoomBody): Promise<MyRoom> {
    const room = await api.createRoom(body);
    this.upsertRoom(room);
    return room;
  }

  async joinChannel(roomId: string): Promise<MyRoom> {
    await api.addMember(roomId, this.meId);
    const room = await api.getRoom(roomId);
    this.upsertRoom(room);
    return room;
  }

  async leaveRoom(roomId: string): Promise<void> {
    await api.removeMember(roomId, this.meId);
    this.forgetRoom(roomId);
  }

  async deleteRoom(roomId: string): Promise<void> {
    await api.deleteRoom(roomId);
    this.forgetRoom(roomId);
  }

  // ---------- members and presence ----------

  /** Concurrent asks for one room's members (open, room:added, catch-up) share one request. */
  loadMembers(roomId: string): Promise<void> {
    const running = this.membersLoads.get(roomId);
    if (running) return running;
    const run = this.fetchMembers(roomId).finally(() => this.membersLoads.delete(roomId));
    this.membersLoads.set(roomId, run);
    return run;
  }

  private async fetchMembers(roomId: string): Promise<void> {
    const list = await api.listMembers(roomId);
    if (this.stopped) return;
    const presence = { ...this.state.presence };
    for (const m of list) presence[m.userId] = m.presence;
    this.patch({
      members: { ...this.state.members, [roomId]: list },
      presence,
      users: this.withUsers(list.map((m) => m.user)),
    });
    this.updateRoom(roomId, (r) => (r.memberCount === list.length ? r : { ...r, memberCount: list.length }));
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    await api.addMember(roomId, userId);
    await this.fetchMembers(roomId);
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    await api.removeMember(roomId, userId);
    await this.fetchMembers(roomId);
  }

  private handleMemberChanged(roomId: string, userId: string, change: 'joined' | 'left'): void {
    if (this.state.members[roomId]) {
      void this.loadMembers(roomId).catch(() => undefined);
    } else {
      this.updateRoom(roomId, (r) => ({ ...r, memberCount: Math.max(0, r.memberCount + (change === 'joined' ? 1 : -1)) }));
    }
    if (change === 'left') this.clearTyping(roomId, userId);
  }

  private handlePresence(event: PresenceEvent): void {
    if (this.state.presence[event.userId] === event.status) return;
    this.patch({ presence: { ...this.state.presence, [event.userId]: event.status } });
  }

  private withUsers(users: readonly User[]): Record<string, User> {
    if (users.length === 0) return this.state.users as Record<string, User>;
    const next = { ...this.state.users };
    for (const u of users) next[u.id] = u;
    return next;
  }

  // ---------- opening a room, history ----------

  /** The room on screen (from the URL), or null. Loads what it needs the first time. */
  setOpenRoom(roomId: string | null): void {
    const previous = this.state.openRoomId;
    if (previous === roomId) return;
    if (previous) this.stopTyping(previous);
    this.patch({ openRoomId: roomId });
    if (!roomId) return;

    const timeline = this.state.timelines[roomId];
    if (!timeline || timeline.status === 'error') {
      void this.loadTimeline(roomId);
    } else {
      this.setTimeline(roomId, (t) => ({ ...t, firstUnreadSeq: this.firstUnreadSeq(roomId, t.messages) }));
      this.markRead(roomId);
    }
    void this.loadMembers(roomId).catch(() => undefined);
  }

  private firstUnreadSeq(roomId: string, messages: readonly Message[]): number | null {
    const room = this.roomById(roomId);
    if (!room || room.unreadCount === 0) return null;
    const first = room.readSeq + 1;
    return first <= highestSeq(messages) ? first : null;
  }

  private setTimeline(roomId: string, fn: (t: Timeline) => Timeline): void {
    const current = this.state.timelines[roomId];
    if (!current) return;
    const next = fn(current);
    if (next !== current) this.patch({ timelines: { ...this.state.timelines, [roomId]: next } });
  }

  async loadTimeline(roomId: string): Promise<void> {
    const existing = this.state.timelines[roomId];
    this.patch({
      timelines: {
        ...this.state.timelines,
        [roomId]: { ...EMPTY_TIMELINE, pending: existing?.pending ?? [] },
      },
    });
    const epochAtStart = this.connectEpoch;
    const wasOnline = this.state.connection === 'online';
    try {
      if (!this.roomById(roomId)) {
        // Opened from a link: the room may be new to this device, or not mine at all.
        await api.getRoom(roomId).then((room) => this.upsertRoom(room));
      }
      const page = await api.history(roomId, { limit: LIMITS.historyPageDefault });
      if (this.stopped || !this.state.timelines[roomId]) return;
      const held = this.waiting.get(roomId) ?? [];
      this.waiting.delete(roomId);
      const merged = mergeNewer(page.messages, held);
      const mine = new Set(merged.messages.filter((m) => m.senderId === this.meId).map((m) => m.clientMsgId));
      this.setTimeline(roomId, (t) => ({
        ...t,
        status: 'ready',
        error: null,
        messages: merged.messages,
        hasOlder: page.hasMore,
        pending: t.pending.filter((p) => !mine.has(p.clientMsgId)),
        firstUnreadSeq: this.firstUnreadSeq(roomId, merged.messages),
      }));
      if (merged.waiting.length) this.waiting.set(roomId, merged.waiting);
      // Anything sent between the page and a (re)connect that happened meanwhile would
      // otherwise be missed: the reconnect's catch-up skipped this room while it loaded.
      if (merged.waiting.length || !wasOnline || epochAtStart !== this.connectEpoch) {
        void this.sync(roomId);
      }
      this.markRead(roomId);
    } catch (err) {
      const message =
        err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')
          ? "This conversation doesn't exist, or you're not a member of it."
          : describeError(err, 'Could not load messages.');
      this.setTimeline(roomId, (t) => ({ ...t, status: 'error', error: message }));
    }
  }

  async loadOlder(roomId: string): Promise<void> {
    const t = this.state.timelines[roomId];
    if (!t || t.status !== 'ready' || !t.hasOlder || t.loadingOlder) return;
    const oldest = t.messages[0]?.seq;
    if (oldest === undefined || oldest <= 1) {
      this.setTimeline(roomId, (cur) => ({ ...cur, hasOlder: false }));
      return;
    }
    this.setTimeline(roomId, (cur) => ({ ...cur, loadingOlder: true }));
    try {
      const page = await api.history(roomId, { before: oldest, limit: LIMITS.historyPageDefault });
      this.setTimeline(roomId, (cur) => ({
        ...cur,
        messages: prependOlder(cur.messages, page.messages),
        hasOlder: page.hasMore,
        loadingOlder: false,
      }));
    } catch (err) {
      this.setTimeline(roomId, (cur) => ({ ...cur, loadingOlder: false }));
      this.patch({ notice: describeError(err, 'Could not load older messages.') });
    }
  }

  // ---------- delivery ----------

  private handleMessageNew(message: Message): void {
    this.clearTyping(message.roomId, message.senderId);
    if (!this.roomById(message.roomId)) void this.fetchRoom(message.roomId);
    this.receive(message.roomId, [message]);
  }

  /** Every stored message, from any source (event, ack, sync), comes in through here. */
  private receive(roomId: string, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    this.noteRoomActivity(roomId, messages);
    this.applyToTimeline(roomId, messages);
  }

  /** Moves the room's last message and unread count. `lastSeq` makes this idempotent. */
  private noteRoomActivity(roomId: string, messages: readonly Message[]): void {
    const looking = this.state.openRoomId === roomId && isPageVisible();
    this.updateRoom(roomId, (room) => {
      let next = room;
      for (const m of [...messages].sort((a, b) => a.seq - b.seq)) {
        if (m.seq <= next.lastSeq) continue;
        next = {
          ...next,
          lastSeq: m.seq,
          lastMessage: m,
          unreadCount: m.senderId === this.meId || looking ? next.unreadCount : next.unreadCount + 1,
        };
      }
      return next;
    });
  }

  private applyToTimeline(roomId: string, messages: readonly Message[]): void {
    const timeline = this.state.timelines[roomId];
    // A room never opened on this device has nothing on screen to keep in order.
    if (!timeline) return;
    const candidates = [...(this.waiting.get(roomId) ?? []), ...messages];
    if (timeline.status !== 'ready') {
      this.waiting.set(roomId, candidates);
      return;
    }
    const { messages: next, waiting, added } = mergeNewer(timeline.messages, candidates);
    if (waiting.length) this.waiting.set(roomId, waiting);
    else this.waiting.delete(roomId);

    if (added.length) {
      const delivered = new Set(added.filter((m) => m.senderId === this.meId).map((m) => m.clientMsgId));
      this.setTimeline(roomId, (t) => ({
        ...t,
        messages: next,
        pending: delivered.size ? t.pending.filter((p) => !delivered.has(p.clientMsgId)) : t.pending,
      }));
      this.markRead(roomId);
    }
    if (waiting.length) void this.sync(roomId);
  }

  /**
   * Fills the hole after the highest contiguous seq with `room:sync`, page after page.
   * One sync per room at a time; a request during one makes it run once more.
   */
  sync(roomId: string): Promise<void> {
    const running = this.syncs.get(roomId);
    if (running) {
      this.resyncWanted.add(roomId);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.resyncWanted.delete(roomId);
          try {
            await this.syncPages(roomId);
          } catch {
            // A timeout or a refusal: the retry below or the next reconnect catches up.
          }
        } while (this.resyncWanted.has(roomId) && !this.stopped);
      } finally {
        this.syncs.delete(roomId);
      }
      if (this.waiting.has(roomId)) this.scheduleSyncRetry(roomId);
    })();
    this.syncs.set(roomId, run);
    return run;
  }

  private async syncPages(roomId: string): Promise<void> {
    for (;;) {
      const socket = this.socket;
      const timeline = this.state.timelines[roomId];
      if (this.stopped || !socket?.connected || !timeline || timeline.status !== 'ready') return;
      const afterSeq = highestSeq(timeline.messages);
      const page = await syncRoom(socket, { roomId, afterSeq, limit: LIMITS.syncPageMax });
      this.receive(roomId, page.messages);
      const reached = highestSeq(this.state.timelines[roomId]?.messages ?? []);
      if (!page.hasMore || reached === afterSeq) return;
    }
  }

  /** Messages still held behind a hole the server could not fill yet: ask again shortly. */
  private scheduleSyncRetry(roomId: string): void {
    if (this.stopped || this.syncRetryTimers.has(roomId)) return;
    this.syncRetryTimers.set(
      roomId,
      setTimeout(() => {
        this.syncRetryTimers.delete(roomId);
        if (this.waiting.has(roomId)) void this.sync(roomId);
      }, SYNC_RETRY_MS),
    );
  }

  /** Shows the message at once as pending, then sends it. */
  send(roomId: string, content: string): void {
    const pending: PendingMessage = {
      clientMsgId: newClientMsgId(),
      roomId,
      content,
      createdAt: new Date().toISOString(),
      status: 'pending',
      error: null,
    };
    // Only the open room has a composer, and opening a room creates its timeline.
    if (!this.state.timelines[roomId]) return;
    this.setTimeline(roomId, (t) => ({ ...t, pending: [...t.pending, pending] }));
    this.stopTyping(roomId);
    void this.deliver(pending);
  }

  /** Sends a failed message again with the same clientMsgId, so it can only land once. */
  retry(roomId: string, clientMsgId: string): void {
    const pending = this.state.timelines[roomId]?.pending.find((p) => p.clientMsgId === clientMsgId);
    if (!pending || pending.status !== 'failed') return;
    const again: PendingMessage = { ...pending, status: 'pending', error: null };
    this.setTimeline(roomId, (t) => ({
      ...t,
      pending: t.pending.map((p) => (p.clientMsgId === clientMsgId ? again : p)),
    }));
    void this.deliver(again);
  }

  discard(roomId: string, clientMsgId: string): void {
    this.setTimeline(roomId, (t) => ({ ...t, pending: t.pending.filter((p) => p.clientMsgId !== clientMsgId) }));
  }

  private async deliver(pending: PendingMessage): Promise<void> {
    const { roomId, clientMsgId, content } = pending;
    try {
      const socket = this.socket;
      if (!socket) throw new SocketRequestError('TIMEOUT', 'Not connected.');
      const { message } = await sendMessage(socket, { roomId, clientMsgId, content });
      this.receive(roomId, [message]);
    } catch (err) {
      const code = err instanceof SocketRequestError ? err.code : 'INTERNAL';
      const message =
        code === 'TIMEOUT'
          ? 'Not sent: no answer from the server.'
          : code === 'RATE_LIMITED'
            ? 'Slow down a little: wait a moment, then retry.'
            : describeError(err, 'Not sent.');
      this.setTimeline(roomId, (t) => ({
        ...t,
        pending: t.pending.map((p) =>
          p.clientMsgId === clientMsgId && p.status === 'pending' ? { ...p, status: 'failed', error: { code, message } } : p,
        ),
      }));
      if (code === 'RATE_LIMITED') {
        this.patch({ notice: "You're sending messages quickly. Wait a moment, then retry." });
      }
    }
  }

  // ---------- read markers ----------

  /** Marks everything on screen read, if the room is open and the page is being looked at. */
  markRead(roomId: string): void {
    if (this.state.openRoomId !== roomId || !isPageVisible()) return;
    const timeline = this.state.timelines[roomId];
    if (!timeline || timeline.status !== 'ready') return;
    const seq = highestSeq(timeline.messages);
    this.updateRoom(roomId, (r) =>
      r.unreadCount === 0 && r.readSeq >= seq ? r : { ...r, unreadCount: 0, readSeq: Math.max(r.readSeq, seq) },
    );
    const socket = this.socket;
    if (seq === 0 || (this.readSent.get(roomId) ?? 0) >= seq || !socket?.connected) return;
    this.readSent.set(roomId, seq);
    markRoomRead(socket, { roomId, seq }).catch(() => {
      // Let the next attempt (visibility, new message, reconnect) send it again.
      if (this.readSent.get(roomId) === seq) this.readSent.delete(roomId);
    });
  }

  private handleReadElsewhere(roomId: string, readSeq: number): void {
    this.updateRoom(roomId, (r) => {
      if (readSeq <= r.readSeq) return r;
      const unreadCount = readSeq >= r.lastSeq ? 0 : Math.min(r.unreadCount, r.lastSeq - readSeq);
      return { ...r, readSeq, unreadCount };
    });
  }

  // ---------- typing ----------

  /** Called on each keystroke in the composer; tells the room at most every 2 s. */
  noteTyping(roomId: string): void {
    const now = Date.now();
    if (now - (this.typingSentAt.get(roomId) ?? 0) < TYPING_RENEW_MS) return;
    this.typingSentAt.set(roomId, now);
    if (this.socket) sendTyping(this.socket, { roomId, isTyping: true });
  }

  stopTyping(roomId: string): void {
    if (!this.typingSentAt.has(roomId)) return;
    this.typingSentAt.delete(roomId);
    if (this.socket) sendTyping(this.socket, { roomId, isTyping: false });
  }

  private handleTyping({ roomId, userId, isTyping }: TypingEvent): void {
    if (userId === this.meId) return;
    const key = `${roomId} ${userId}`;
    const timer = this.typingTimers.get(key);
    if (timer) clearTimeout(timer);
    this.typingTimers.delete(key);
    if (!isTyping) {
      this.clearTyping(roomId, userId);
      return;
    }
    // Expire on our own too: a lost "stopped typing" must not leave the line up forever.
    this.typingTimers.set(
      key,
      setTimeout(() => this.clearTyping(roomId, userId), LIMITS.typingTtlMs),
    );
    const current = this.state.typing[roomId] ?? [];
    if (!current.includes(userId)) {
      this.patch({ typing: { ...this.state.typing, [roomId]: [...current, userId] } });
    }
  }

  private clearTyping(roomId: string, userId: string): void {
    const key = `${roomId} ${userId}`;
    const timer = this.typingTimers.get(key);
    if (timer) clearTimeout(timer);
    this.typingTimers.delete(key);
    const current = this.state.typing[roomId];
    if (!current?.includes(userId)) return;
    this.patch({ typing: { ...this.state.typing, [roomId]: current.filter((id) => id !== userId) } });
  }

  // ---------- notices ----------

  dismissNotice(): void {
    if (this.state.notice) this.patch({ notice: null });
  }

  showNotice(notice: string): void {
    this.patch({ notice });
  }
}

// ---------- one store per signed-in person, kept across page navigations ----------

let current: ChatStore | null = null;

/**
 * The chat store of the signed-in person. It outlives the chat page so that a trip to
 * settings keeps the socket (and presence) up; it ends when the person signs out.
 */
export function acquireChatStore(me: User): ChatStore {
  if (current && current.meId !== me.id) releaseChatStore();
  if (!current) {
    current = new ChatStore(me);
    current.start();
  }
  return current;
}

export function releaseChatStore(): void {
  current?.stop();
  current = null;
}

if (typeof window !== 'undefined') {
  session.subscribe(() => {
    if (session.getSnapshot().status === 'anonymous') releaseChatStore();
  });
}
