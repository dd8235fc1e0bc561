import {
  LIMITS,
  type CreateRoomBody,
  type Message,
  type MessageUpdate,
  type MyRoom,
  type RoomActivity,
  type RoomNotificationsBody,
  type User,
} from '@qc/shared';
import { api } from './api';
import {
  changeMessage,
  markRoomDelivered,
  markRoomRead,
  openRoom,
  sendMessage,
  sendTyping,
  setPresence,
  SocketRequestError,
  syncRoom,
  type ChatSocket,
  type MessageChange,
} from './chat-socket';
import { newClientMsgId } from './client-msg-id';
import { ApiError } from './http';
import type { LiveSocket } from './live-socket';
import { isPageVisible, watchPageActivity } from './page-activity';
import { desktopBridge, personIsElsewhere } from './desktop/desktop-bridge';
import { reportOutcomeNotice } from './moderation/report-outcome';
import { session } from './session';
import { ConnectionStore } from './stores/connection-store';
import { DraftStore } from './stores/draft-store';
import { loadOutbox, OutboxSaver } from './stores/outbox-persistence';
import { OutboxStore, type SendOptions } from './stores/outbox-store';
import { PeopleStore } from './stores/people-store';
import { PresenceStore, TypingNotifier } from './stores/presence-store';
import { DeliveredReporter, ReceiptsStore } from './stores/receipts-store';
import { withMyReaction } from './stores/reaction-echo';
import { OpenRoomReporter } from './stores/open-room';
import { hasReacted, messageItem, updateItem } from './stores/room-stream';
import { RoomListStore } from './stores/room-list-store';
import { browserStorage } from './stores/storage';
import { ThreadStore } from './stores/thread-store';
import { fromWire } from './mentions/mention-text';
import { Notifier, type NotificationText } from './notify/notifier';
import { nameOf } from './stores/people-store';
import { TimelineStore } from './stores/timeline-store';
import { plainTextOf } from './markdown/preview';

/*
 * The composition root of the chat screen: it owns the socket and feeds each small store
 * (connection, outbox, room list, timelines, presence and typing, receipts, people) from
 * REST and socket events. It holds no chat state of its own; components read the stores.
 */

function describeError(err: unknown, fallback: string): string {
  return err instanceof Error && err.message ? err.message : fallback;
}

/** What people are told when a room's messages cannot be loaded. */
function timelineFailureText(err: unknown): string {
  return err instanceof ApiError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')
    ? "This conversation doesn't exist, or you're not a member of it."
    : describeError(err, 'Could not load messages.');
}

/** What people are told when a change to a message is refused. */
function changeFailureText(err: unknown, what: string): string {
  const code = err instanceof SocketRequestError ? err.code : 'INTERNAL';
  if (code === 'FORBIDDEN') return `You can't ${what} this message.`;
  if (code === 'TIMEOUT') return `Could not ${what} the message: no answer from the server.`;
  if (code === 'RATE_LIMITED') return 'Slow down a little, then try again.';
  return describeError(err, `Could not ${what} the message.`);
}

export class ChatClient {
  readonly connection = new ConnectionStore();
  readonly people: PeopleStore;
  readonly presence: PresenceStore;
  readonly rooms: RoomListStore;
  readonly timelines: TimelineStore;
  readonly outbox: OutboxStore;
  /** Unsent text per room and thread, kept on this device across reloads. */
  readonly drafts: DraftStore;
  private readonly outboxSaver: OutboxSaver;
  readonly threads = new ThreadStore({ thread: (roomId, rootId, page) => api.thread(roomId, rootId, page) });
  readonly receipts = new ReceiptsStore();
  /** Desktop notifications and the sound, for messages that arrive while the person is elsewhere. */
  readonly notifier = new Notifier();
  private readonly delivered: DeliveredReporter;
  /** Tells the server which room is on screen: large rooms are pushed only there. */
  private readonly openRoomReporter = new OpenRoomReporter((roomId) => this.withSocket((socket) => openRoom(socket, { roomId })));
  private readonly typing = new TypingNotifier((roomId, isTyping) => {
    if (this.socket) sendTyping(this.socket, { roomId, isTyping });
  });

  private live: LiveSocket | null = null;
  private stopped = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly readSent = new Map<string, number>();
  private readonly membersLoads = new Map<string, Promise<void>>();

  constructor(me: User) {
    this.people = new PeopleStore(me);
    this.presence = new PresenceStore(me.id);
    this.rooms = new RoomListStore(me.id, (roomId) => this.rooms.getState().openRoomId === roomId && isPageVisible());
    this.timelines = new TimelineStore(
      {
        history: (roomId, page) => api.history(roomId, page),
        sync: (roomId, afterSeq, limit) =>
          this.withSocket((socket) => syncRoom(socket, { roomId, afterSeq, limit })).then((page) => {
            // What a catch-up brings moves the room list like live events would (last seq, unread).
            this.rooms.noteMessages(roomId, page.messages);
            for (const u of page.updates ?? []) this.rooms.noteUpdate(roomId, u.seq, u.message);
            this.threads.receive(roomId, [...page.messages, ...(page.updates ?? []).map((u) => u.message)]);
            return page;
          }),
        isConnected: () => this.socket?.connected ?? false,
      },
      {
        onShown: (roomId, messages) => this.onShown(roomId, messages),
        roomLastSeq: (roomId) => this.rooms.byId(roomId)?.lastSeq,
        firstUnreadSeq: (roomId, stream) => this.rooms.firstUnreadSeq(roomId, stream.messages[stream.messages.length - 1]?.seq ?? 0),
      },
    );
    const storage = browserStorage();
    this.drafts = new DraftStore(storage, me.id);
    // What an earlier page load left unsent goes out on the first connect, under its own clientMsgIds.
    const restored = loadOutbox(storage, me.id);
    this.outboxSaver = new OutboxSaver(storage, me.id, restored);
    this.outbox = new OutboxStore(
      {
        isConnected: () => this.socket?.connected ?? false,
        send: (payload) => this.withSocket((socket) => sendMessage(socket, payload)).then((r) => r.message),
      },
      {
        onStored: (message) => this.onStored(message),
        onNotice: (text) => this.connection.showNotice(text),
      },
      { newId: newClientMsgId, restored },
    );
    this.outbox.subscribe(() => this.outboxSaver.save(this.outbox.getState()));
    this.delivered = new DeliveredReporter((roomId, seq) => this.withSocket((socket) => markRoomDelivered(socket, { roomId, seq })));
  }

  get meId(): string {
    return this.people.me.id;
  }

  private get socket(): ChatSocket | null {
    return this.live?.socket ?? null;
  }

  private withSocket<T>(fn: (socket: ChatSocket) => Promise<T>): Promise<T> {
    const socket = this.socket;
    if (!socket?.connected) return Promise.reject(new SocketRequestError('TIMEOUT', 'Not connected.'));
    return fn(socket);
  }

  // ---------- lifecycle ----------

  start(): void {
    void this.dial();
    this.cleanups.push(
      watchPageActivity({
        onStatus: (status) => {
          if (this.connection.setMyStatus(status) && this.socket) setPresence(this.socket, { status });
        },
        onVisible: () => {
          const open = this.rooms.getState().openRoomId;
          if (open) this.markRead(open);
        },
      }),
      session.subscribe(() => {
        const user = session.user;
        if (user && user.id === this.meId) this.people.setMe(user);
      }),
      this.flushDraftsWhenThePageGoes(),
    );

    void this.loadRooms();
  }

  /**
   * The socket, dialled once its code is here: socket.io-client is a chunk of its own, fetched
   * while the room list and the open room's history load over HTTP, so the first render does
   * not wait for it. Until it connects, sends wait in the outbox as they do offline.
   */
  private async dial(): Promise<void> {
    let dialLiveSocket: typeof import('./live-socket').dialLiveSocket;
    try {
      ({ dialLiveSocket } = await import('./live-socket'));
    } catch {
      // The chunk could not be fetched (offline at the first load, a deploy in between): the
      // banner says so, and a reload is what brings the socket's code.
      if (!this.stopped) this.connection.lost();
      return;
    }
    if (this.stopped) return;
    this.live = dialLiveSocket({
      onConnect: () => void this.catchUp(this.connection.connected()),
      onLost: () => {
        this.openRoomReporter.disconnected();
        this.connection.lost();
      },
      onNetwork: (online) => this.connection.networkChanged(online),
    });
    const socket = this.live.socket;

    socket.on('message:new', (m) => {
      this.presence.stoppedTyping(m.roomId, m.senderId);
      const known = !!this.rooms.byId(m.roomId);
      // A room new to me (a first DM): told once its settings are known.
      if (!known) void this.fetchRoom(m.roomId).then(() => this.tell(m));
      this.receiveMessages(m.roomId, [m]);
      if (known) this.tell(m);
    });
    socket.on('room:notifications', ({ roomId, ...settings }) => this.rooms.setNotifications(roomId, settings));
    socket.on('room:moderator-mute', ({ roomId, mute }) => this.rooms.setModeratorMute(roomId, mute));
    socket.on('room:pace', (pace) => this.rooms.setPace(pace));
    socket.on('report:outcome', (report) => this.connection.showNotice(reportOutcomeNotice(report)));
    socket.on('message:updated', (u) => this.receiveUpdate(u));
    socket.on('room:activity', (a) => this.roomActivity(a));
    socket.on('receipt', (r) => this.receipts.apply([r]));
    socket.on('typing', (e) => this.presence.typingEvent(e));
    socket.on('presence', (e) => this.presence.setPresence(e.userId, e.status));
    socket.on('user:updated', (user) => {
      this.people.changed(user);
      this.rooms.personChanged(user);
      // My own change from another device: settings and the session show it too.
      if (user.id === this.meId) session.setUser(user);
    });
    socket.on('room:read', (e) => this.rooms.markRead(e.roomId, e.readSeq));
    socket.on('room:added', (room) => this.upsertRoom(room));
    socket.on('room:removed', (e) => this.forgetRoom(e.roomId));
    socket.on('member:changed', (e) => this.memberChanged(e.roomId, e.userId, e.change));
  }

  stop(): void {
    this.stopped = true;
    this.live?.close();
    this.live = null;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.delivered.stop();
    this.openRoomReporter.stop();
    for (const store of [
      this.connection,
      this.people,
      this.presence,
      this.rooms,
      this.timelines,
      this.threads,
      this.outbox,
      this.receipts,
      this.drafts,
    ])
      store.stop();
  }

  /** Signed out on purpose: no drafts or unsent messages of this person stay on the device. */
  forgetDeviceData(): void {
    this.drafts.clear();
    this.outboxSaver.clear();
  }

  /** A reload or a closed tab a moment after typing: the draft not yet written goes now. */
  private flushDraftsWhenThePageGoes(): () => void {
    const flush = () => this.drafts.flush();
    window.addEventListener('pagehide', flush);
    return () => window.removeEventListener('pagehide', flush);
  }

  /**
   * After every (re)connect: refetch the room list (unread counts), catch up every room on
   * screen from its stream position, and send what waited in the outbox. Nothing is cleared
   * first, so the catch-up is silent; the banner goes away once it is done.
   */
  private async catchUp(epoch: number): Promise<void> {
    if (this.socket) setPresence(this.socket, { status: this.connection.getState().myStatus });
    this.delivered.reset();
    this.readSent.clear();
    this.outbox.resendAfterReconnect();
    // The new socket has no room open: open it again before the catch-up, so a large room's
    // messages are live from before its room:sync reads.
    await this.openRoomReporter.reconnected();
    const open = this.rooms.getState().openRoomId;
    await Promise.allSettled([this.loadRooms(), this.timelines.syncAll(), open ? this.loadRoomSide(open) : Promise.resolve()]);
    if (this.stopped || !this.socket?.connected) return;
    this.connection.caughtUp(epoch);
    if (open) this.markRead(open);
  }

  // ---------- rooms ----------

  async loadRooms(): Promise<void> {
    try {
      const fetched = await api.listRooms();
      if (this.stopped) return;
      this.people.meet(fetched.flatMap((r) => (r.peer ? [r.peer] : [])));
      this.presence.seedFromRooms(fetched);
      this.rooms.replaceAll(fetched);
    } catch (err) {
      this.rooms.loadFailed(describeError(err, 'Could not load your conversations.'));
    }
  }

  upsertRoom(room: MyRoom): void {
    if (room.peer) this.people.meet([room.peer]);
    this.presence.seedFromRooms([room]);
    this.rooms.upsert(room);
  }

  private async fetchRoom(roomId: string): Promise<void> {
    try {
      const room = await api.getRoom(roomId);
      if (!this.stopped) this.upsertRoom(room);
    } catch {
      // Not mine (any more): nothing to show.
    }
  }

  private forgetRoom(roomId: string): void {
    this.timelines.forget(roomId);
    this.threads.forgetRoom(roomId);
    this.outbox.forget(roomId);
    this.drafts.forgetRoom(roomId);
    this.people.forget(roomId);
    this.receipts.forget(roomId);
    this.readSent.delete(roomId);
    this.rooms.remove(roomId);
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

  // ---------- members and receipts of the open room ----------

  /** Members (names, presence) and receipts (ticks, "Seen by") of a room on screen. */
  private loadRoomSide(roomId: string): Promise<unknown> {
    return Promise.allSettled([this.loadMembers(roomId), this.loadReceipts(roomId)]);
  }

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
    this.presence.setMany(list.map((m) => [m.userId, m.presence] as const));
    this.people.setMembers(roomId, list);
    this.rooms.setMemberCount(roomId, list.length);
  }

  private async loadReceipts(roomId: string): Promise<void> {
    try {
      const { receipts } = await api.receipts(roomId);
      if (!this.stopped) this.receipts.apply(receipts);
    } catch {
      // Ticks are a nicety: without the snapshot, `receipt` events still move them.
    }
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    await api.addMember(roomId, userId);
    await this.fetchMembers(roomId);
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    await api.removeMember(roomId, userId);
    await this.fetchMembers(roomId);
  }

  private memberChanged(roomId: string, userId: string, change: 'joined' | 'left'): void {
    if (this.people.hasMembers(roomId)) void this.loadMembers(roomId).catch(() => undefined);
    else this.rooms.addToMemberCount(roomId, change === 'joined' ? 1 : -1);
    if (change === 'left') this.presence.stoppedTyping(roomId, userId);
  }

  // ---------- opening a room ----------

  /** The room on screen (from the URL), or null. Loads what it needs the first time. */
  setOpenRoom(roomId: string | null): void {
    const previous = this.rooms.getState().openRoomId;
    if (previous === roomId) return;
    if (previous) this.stopTyping(previous);
    // A window left far back (a jump) is let go: coming back, the room opens at its newest
    // messages, as rooms do. (A jump into the room being opened has already made its window.)
    if (previous && this.timelines.get(previous)?.hasNewer) this.timelines.forget(previous);
    this.rooms.setOpen(roomId);
    const opened = this.openRoomReporter.set(roomId);
    if (!roomId) return;
    const timeline = this.timelines.get(roomId);
    let loaded: Promise<void> = Promise.resolve();
    if (!timeline || timeline.status === 'error') {
      loaded = this.loadTimeline(roomId);
    } else {
      this.timelines.markShown(roomId);
      this.markRead(roomId);
    }
    // A large room was not pushed here while it was not open: once the server has it open
    // (and the page is in), what came meanwhile is fetched. A small room needs nothing more.
    void Promise.all([opened, loaded]).then(([pull]) => {
      if (pull && this.rooms.getState().openRoomId === roomId) void this.timelines.sync(roomId);
    });
    void this.loadRoomSide(roomId);
  }

  /**
   * `room:activity`: a large room went up to lastSeq while I do not have it open here. Its
   * badge counts it; its timeline, if it was opened before, catches up when it is opened
   * again. For the room on screen (the event crossed my room:open) it catches up now.
   */
  private roomActivity({ roomId, lastSeq }: RoomActivity): void {
    if (!this.rooms.byId(roomId)) {
      void this.fetchRoom(roomId);
      return;
    }
    if (this.rooms.getState().openRoomId === roomId) {
      void this.timelines.sync(roomId);
      return;
    }
    this.rooms.noteActivity(roomId, lastSeq);
  }

  async loadTimeline(roomId: string): Promise<void> {
    await this.timelines.load(roomId, timelineFailureText, () => this.knowRoom(roomId));
    this.markRead(roomId);
  }

  /** Opened from a link: the room may be new to this device, or not mine at all (then this fails, and the failure shows in the timeline). */
  private async knowRoom(roomId: string): Promise<void> {
    if (!this.rooms.byId(roomId)) this.upsertRoom(await api.getRoom(roomId));
  }

  loadOlder(roomId: string): Promise<void> {
    return this.timelines.loadOlder(roomId).catch((err: unknown) => {
      this.connection.showNotice(describeError(err, 'Could not load older messages.'));
    });
  }

  // ---------- being told ----------

  /** A live message: a desktop notification, the sound, or nothing, as the room's settings and the page say. */
  private tell(m: Message): void {
    const room = this.rooms.byId(m.roomId);
    if (!room) return;
    this.notifier.consider(
      m,
      room,
      {
        meId: this.meId,
        tabHidden: personIsElsewhere({ visible: isPageVisible(), focused: document.hasFocus() }, desktopBridge() !== null),
        lookingAtRoom: this.rooms.getState().openRoomId === m.roomId,
      },
      () => this.notificationText(m, room),
    );
  }

  private notificationText(m: Message, room: MyRoom): NotificationText {
    const users = this.people.getState().users;
    const who = nameOf(users, m.senderId);
    const where = room.kind === 'direct' ? '' : room.kind === 'channel' ? ` in #${room.name}` : ` in ${room.name}`;
    // The words without their markdown, as every preview shows them (see lib/markdown/preview).
    const { text } = fromWire(plainTextOf(m.content), (id) => nameOf(users, id));
    return { title: `${who}${where}`, body: text.length > 200 ? `${text.slice(0, 199)}…` : text };
  }

  /** This room's notification level and mute, for all my devices. */
  async setRoomNotifications(roomId: string, body: RoomNotificationsBody): Promise<void> {
    try {
      this.rooms.setNotifications(roomId, await api.setNotifications(roomId, body));
    } catch (err) {
      this.connection.showNotice(describeError(err, 'Could not change the notification settings.'));
    }
  }

  loadNewer(roomId: string): Promise<void> {
    return this.timelines.loadNewer(roomId).catch((err: unknown) => {
      this.connection.showNotice(describeError(err, 'Could not load newer messages.'));
    });
  }

  /**
   * Opens a room at one of its messages, however far back (a search hit, a quote, a pin):
   * the messages around it load, and it is brought into view and highlighted. Without its
   * seq, the message is fetched first. A reply inside a thread is shown by its thread's
   * first message, which is where it sits in the room.
   */
  async jumpToMessage(roomId: string, target: { messageId: string; seq?: number }): Promise<void> {
    const { messageId } = target;
    const shown = this.timelines.get(roomId)?.messages.find((m) => m.id === messageId);
    if (shown?.threadRootId) return this.jumpToMessage(roomId, { messageId: shown.threadRootId });
    let seq = shown?.seq ?? target.seq;
    if (seq === undefined) {
      try {
        const message = await api.getMessage(roomId, messageId);
        if (message.threadRootId) return this.jumpToMessage(roomId, { messageId: message.threadRootId });
        seq = message.seq;
      } catch (err) {
        this.connection.showNotice(
          err instanceof ApiError && err.code === 'NOT_FOUND'
            ? 'That message is gone.'
            : describeError(err, 'Could not find that message.'),
        );
        return;
      }
    }
    await this.timelines.openAt(roomId, { messageId, seq }, timelineFailureText, () => this.knowRoom(roomId));
    const landed = this.timelines.get(roomId)?.messages.find((m) => m.id === messageId);
    if (landed?.threadRootId) await this.jumpToMessage(roomId, { messageId: landed.threadRootId });
    this.markRead(roomId);
  }

  // ---------- the stream ----------

  /** Every stored message, from any source (event, ack, sync), comes in through here. */
  private receiveMessages(roomId: string, messages: readonly Message[]): void {
    this.rooms.noteMessages(roomId, messages);
    this.timelines.receive(roomId, messages.map(messageItem));
    this.threads.receive(roomId, messages);
    this.noteDelivered(roomId, Math.max(...messages.map((m) => m.seq)));
  }

  /**
   * The ack of one of my sends. Its pending copy normally goes when the timeline shows it
   * (onShown); a room with no timeline here, or a message the stream has already passed (one
   * stored before a reload and answered again now), is never shown that way, so it goes now.
   */
  private onStored(message: Message): void {
    this.receiveMessages(message.roomId, [message]);
    const timeline = this.timelines.get(message.roomId);
    if (!timeline || (timeline.status === 'ready' && message.seq <= timeline.lastSeq)) this.outbox.settle(message.roomId, [message]);
  }

  private receiveUpdate(update: MessageUpdate): void {
    this.rooms.noteUpdate(update.roomId, update.seq, update.message);
    this.timelines.receive(update.roomId, [updateItem(update)]);
    this.threads.receive(update.roomId, [update.message]);
    this.noteDelivered(update.roomId, update.seq);
  }

  /** Messages now on screen (placed live or with a page): my pending copies go, and they count as delivered and read. */
  private onShown(roomId: string, messages: readonly Message[]): void {
    const mine = messages.filter((m) => m.senderId === this.meId);
    if (mine.length) this.outbox.settle(roomId, mine);
    this.noteDelivered(roomId);
    this.markRead(roomId);
  }

  /**
   * This device received up to here (coalesced before it is sent): in a room on screen, the
   * stream position, which stops before a hole; elsewhere, the newest seq an event brought
   * (the room may not even be in the list yet, when its first message creates it here).
   */
  private noteDelivered(roomId: string, received = 0): void {
    const timeline = this.timelines.get(roomId);
    const seq = timeline ? timeline.lastSeq : Math.max(this.rooms.byId(roomId)?.lastSeq ?? 0, received);
    if (seq > 0) this.delivered.note(roomId, seq);
  }

  // ---------- sending and changing messages ----------

  /** A message to the room, or (with `threadRootId`) to a thread in it, or quoting another (`replyTo`). */
  send(roomId: string, content: string, options: SendOptions = {}): void {
    // Only the open room has a composer, and opening a room creates its timeline.
    const timeline = this.timelines.get(roomId);
    if (!timeline) return;
    // Written while reading far back: what I send goes at the newest end, so that is where the room goes.
    if (timeline.hasNewer) void this.loadTimeline(roomId);
    this.stopTyping(roomId);
    this.outbox.send(roomId, content, options);
  }

  retry(roomId: string, clientMsgId: string): void {
    this.outbox.retry(roomId, clientMsgId);
  }

  discard(roomId: string, clientMsgId: string): void {
    this.outbox.discard(roomId, clientMsgId);
  }

  /**
   * Edits, deletes and reactions: the ack's current state goes on screen at once (newer
   * states only, so it never rolls back what an update already brought); a refusal is
   * told in the notice. Resolves whether it worked, for the editor to close or stay.
   */
  async changeMessage(change: MessageChange, what: string): Promise<boolean> {
    try {
      const { message } = await this.withSocket((socket) => changeMessage(socket, change));
      this.timelines.applyState(message.roomId, message);
      this.threads.receive(message.roomId, [message]);
      return true;
    } catch (err) {
      this.connection.showNotice(changeFailureText(err, what));
      return false;
    }
  }

  editMessage(roomId: string, messageId: string, content: string): Promise<boolean> {
    return this.changeMessage({ kind: 'edit', payload: { roomId, messageId, content } }, 'edit');
  }

  deleteMessage(roomId: string, messageId: string): Promise<boolean> {
    return this.changeMessage({ kind: 'delete', payload: { roomId, messageId } }, 'delete');
  }

  /** Adds my reaction, or takes it back if it is there already. */
  async toggleReaction(message: Message, emoji: string): Promise<boolean> {
    const existing = message.reactions?.find((r) => r.emoji === emoji);
    if (!existing && (message.reactions?.length ?? 0) >= LIMITS.reactionsPerMessageMax) {
      this.connection.showNotice(`A message can have at most ${LIMITS.reactionsPerMessageMax} different reactions.`);
      return false;
    }
    const on = !(existing ? hasReacted(existing, this.meId) : false);
    const payload = { roomId: message.roomId, messageId: message.id, emoji };
    const echo = (want: boolean) =>
      this.timelines.patchMessage(message.roomId, message.id, (m) => withMyReaction(m, emoji, this.meId, want));
    echo(on);
    const done = await this.changeMessage(on ? { kind: 'react', payload } : { kind: 'unreact', payload }, 'react to');
    if (!done) echo(!on);
    return done;
  }

  /** Pins a message to the room for everyone, or unpins it. */
  pinMessage(message: Message, pinned: boolean): Promise<boolean> {
    return this.changeMessage(
      { kind: 'pin', payload: { roomId: message.roomId, messageId: message.id, pinned } },
      pinned ? 'pin' : 'unpin',
    );
  }

  /** The room's pinned messages, the most recently pinned first. */
  async loadPins(roomId: string): Promise<Message[]> {
    const { messages } = await api.pins(roomId);
    return messages;
  }

  // ---------- threads ----------

  /** Opens the thread under a message: its replies load once and stay live while it is open. */
  openThread(root: Message): void {
    void this.threads.open(root.roomId, root.id, (err) => describeError(err, 'Could not load the thread.'), root);
  }

  closeThread(rootId: string): void {
    this.threads.close(rootId);
  }

  // ---------- read markers ----------

  /** Marks everything on screen read, if the room is open and the page is being looked at. */
  markRead(roomId: string): void {
    if (this.rooms.getState().openRoomId !== roomId || !isPageVisible()) return;
    const timeline = this.timelines.get(roomId);
    // Reading far back is not reading what is new: the room stays unread until its window joins the newest messages.
    if (!timeline || timeline.status !== 'ready' || timeline.hasNewer) return;
    const seq = timeline.lastSeq;
    this.rooms.clearUnread(roomId, seq);
    const socket = this.socket;
    if (seq === 0 || (this.readSent.get(roomId) ?? 0) >= seq || !socket?.connected) return;
    this.readSent.set(roomId, seq);
    markRoomRead(socket, { roomId, seq }).catch(() => {
      // Let the next attempt (visibility, new message, reconnect) send it again.
      if (this.readSent.get(roomId) === seq) this.readSent.delete(roomId);
    });
  }

  // ---------- typing ----------

  /** Called on each keystroke in the composer. */
  noteTyping(roomId: string): void {
    this.typing.keystroke(roomId);
  }

  stopTyping(roomId: string): void {
    this.typing.stopped(roomId);
  }
}

// ---------- one client per signed-in person, kept across page navigations ----------

let current: ChatClient | null = null;

/**
 * The chat client of the signed-in person. It outlives the chat page so that a trip to
 * settings keeps the socket (and presence) up; it ends when the person signs out.
 */
export function acquireChatClient(me: User): ChatClient {
  if (current && current.meId !== me.id) releaseChatClient();
  if (!current) {
    current = new ChatClient(me);
    current.start();
  }
  return current;
}

export function releaseChatClient(): void {
  current?.stop();
  current = null;
}

if (typeof window !== 'undefined') {
  session.subscribe(() => {
    const state = session.getSnapshot();
    if (state.status !== 'anonymous') return;
    // An expired session keeps drafts and unsent messages for when the person signs back in.
    if (state.signedOut) current?.forgetDeviceData();
    releaseChatClient();
  });
}
