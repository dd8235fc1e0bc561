import {
  exportFileName,
  type DeleteAccountBody,
  type ExportedMessage,
  type ExportedReaction,
  type ExportedRoom,
  type ExportedSession,
  type Message,
  type MyDataExport,
} from '@qc/shared';
import { AppError, isAppError } from '../errors';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { MessageStore, SenderCursor } from '../ports/message-store.port';
import type { MetadataStore, SessionRecord } from '../ports/metadata.port';
import type { AuthService, ClientContext } from './auth.service';
import type { MessageActionsService } from './message-actions.service';
import { notificationsOf, type RoomsService } from './rooms.service';
import type { UploadsService } from '../uploads/uploads.service';

export interface MyDataOptions {
  /** Messages (and reactions) read, and held, at a time: an export or an erasure of 100,000 messages never holds them all. */
  pageSize?: number;
  /** Deletes done in one turn of a room's queue: small, so the room's own sends wait behind few of them. */
  deletesPerTurn?: number;
  /** How long to wait before trying a room's turn again when its queue is full (OVERLOADED). */
  overloadedRetryMs?: number;
  now?: () => Date;
}

/** The export, ready to stream: what was read up front (so a refusal is still an ordinary error), and the rest as it is read. */
export interface ExportFile {
  fileName: string;
  /** The JSON text of a MyDataExport, piece by piece: one page of messages or reactions in memory at a time. */
  chunks: AsyncIterable<string>;
}

/** The keys of the export read before the first byte is sent (everything but the two long lists). */
type ExportHead = Omit<MyDataExport, 'reactions' | 'messages'>;

/**
 * "Your data" (DESIGN.md's GDPR/CCPA constraint): everything the product holds about a
 * person, as one JSON file, and the erasure of their account. Both go through the ports,
 * so they work whichever engine keeps history (PostgreSQL, or Cassandra behind the seq
 * counter).
 */
export class MyDataService {
  private readonly pageSize: number;
  private readonly deletesPerTurn: number;
  private readonly now: () => Date;

  constructor(
    private readonly meta: MetadataStore,
    private readonly history: MessageStore,
    private readonly states: MessageStateStore,
    private readonly auth: Pick<AuthService, 'requireActiveAccount' | 'confirmPassword'>,
    private readonly rooms: Pick<RoomsService, 'removeErasedMember'>,
    private readonly actions: Pick<MessageActionsService, 'deleteForErasure'>,
    private readonly broadcaster: Pick<Broadcaster, 'disconnectUser'>,
    private readonly opts: MyDataOptions = {},
    /** Their files: listed in the export, removed with the account (without it, some specs: none). */
    private readonly files: Pick<UploadsService, 'listMine' | 'eraseMine'> | null = null,
  ) {
    this.pageSize = opts.pageSize ?? 500;
    this.deletesPerTurn = opts.deletesPerTurn ?? 20;
    this.now = opts.now ?? (() => new Date());
  }

  /**
   * The person's data: profile (no password hash), sessions (no tokens), rooms with their
   * receipts, pins and reactions they made, and every message they sent, in every room they
   * are or were in, as it is now with its earlier versions. Messages and reactions are read
   * a page at a time as the file is sent, so the whole never sits in memory; the rest is
   * read first.
   */
  async exportData(userId: string): Promise<ExportFile> {
    const user = await this.auth.requireActiveAccount(userId);
    const at = this.now();
    const [sessions, rooms, pins, uploads] = await Promise.all([
      this.meta.listSessions(userId),
      this.meta.listRoomsOfUser(userId),
      this.states.listPinsBy(userId),
      this.files?.listMine(userId) ?? [],
    ]);
    const head: ExportHead = {
      format: 'quantum-chat-export',
      version: 1,
      exportedAt: at.toISOString(),
      profile: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        avatarUrl: user.avatarUrl,
        createdAt: user.createdAt.toISOString(),
        lastSeenAt: user.lastSeenAt?.toISOString() ?? null,
      },
      sessions: sessions.map(toExportedSession),
      rooms: rooms.map(({ room, membership }): ExportedRoom => ({
        id: room.id,
        kind: room.kind,
        name: room.kind === 'direct' ? null : room.name,
        topic: room.topic,
        role: membership.role,
        joinedAt: membership.joinedAt.toISOString(),
        readSeq: membership.readSeq,
        deliveredSeq: membership.deliveredSeq,
        lastSeq: room.lastSeq,
        notifications: notificationsOf(membership, room.kind),
      })),
      // What each file is and where it went; the bytes stay downloadable from its message.
      uploads: uploads.map((u) => ({
        id: u.id,
        roomId: u.roomId,
        messageId: u.messageId,
        name: u.name,
        size: u.size,
        mimeType: u.mimeType,
        kind: u.kind,
        width: u.width,
        height: u.height,
        uploadedAt: u.createdAt.toISOString(),
      })),
      pins: pins.map((p) => ({ roomId: p.roomId, messageId: p.messageId, pinnedAt: p.pinnedAt.toISOString() })),
    };
    return { fileName: exportFileName(user.username, at), chunks: this.chunks(userId, head) };
  }

  private async *chunks(userId: string, head: ExportHead): AsyncGenerator<string> {
    // One key a line, the long lists one item a line: readable, and written as it is read.
    yield (
      '{\n' +
      Object.entries(head)
        .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)},\n`)
        .join('')
    );
    yield '  "reactions": [';
    const reactions = jsonItems();
    for await (const page of this.reactionPages(userId)) yield reactions(page);
    yield '\n  ],\n  "messages": [';
    const messages = jsonItems();
    for await (const page of this.messagePages(userId)) {
      const [current, edits] = await Promise.all([this.states.overlay(page), this.states.listEdits(page.map((m) => m.id))]);
      const editsOf = new Map<string, { content: string; at: Date }[]>();
      for (const e of edits) editsOf.set(e.messageId, [...(editsOf.get(e.messageId) ?? []), e]);
      yield messages(page.map((original, i) => exportedMessage(original, current[i]!, editsOf.get(original.id) ?? [])));
    }
    yield '\n  ]\n}\n';
  }

  private async *reactionPages(userId: string): AsyncGenerator<ExportedReaction[]> {
    let after: { messageId: string; emoji: string } | null = null;
    for (;;) {
      const page = await this.states.listReactionsBy(userId, after, this.pageSize);
      if (page.length > 0) yield page.map((r) => ({ roomId: r.roomId, messageId: r.messageId, emoji: r.emoji, at: r.at.toISOString() }));
      if (page.length < this.pageSize) return;
      const last = page[page.length - 1]!;
      after = { messageId: last.messageId, emoji: last.emoji };
    }
  }

  /** The person's messages as they were sent, a page at a time, in (room, seq) order. */
  private async *messagePages(userId: string): AsyncGenerator<Message[]> {
    let after: SenderCursor | null = null;
    for (;;) {
      const page = await this.history.listBySender(userId, after, this.pageSize);
      if (page.length > 0) yield page;
      if (page.length < this.pageSize) return;
      const last = page[page.length - 1]!;
      after = { roomId: last.roomId, seq: last.seq };
    }
  }

  /**
   * Deletes the account, after the password is typed again. In this order, so that a
   * failure part-way (a database away for a moment) leaves an account the person can
   * still sign in to and delete again, and every step before the erasure is one that
   * repeating does not undo or double:
   *  1. with `remove`, their messages are deleted through the path of a delete (each at the
   *     room's next seq, `message:updated` to the members, catch-up gap-free) and their text
   *     erased, edits included;
   *  2. they leave every room (a last owner hands the room on; a room left empty is deleted);
   *  3. with `remove`, again, for what they sent while step 1 ran (none can land after 2);
   *  4. the profile is erased and every refresh token deleted (sign-in, refresh and any
   *     access token still unexpired stop working), and every socket of theirs is closed.
   */
  async deleteAccount(userId: string, body: DeleteAccountBody, client: ClientContext = {}): Promise<void> {
    await this.auth.confirmPassword(userId, body.password, client);
    const remove = body.messages === 'remove';
    if (remove) await this.removeMessages(userId);
    await this.leaveRooms(userId);
    if (remove) await this.removeMessages(userId);
    // Removing messages removed their files; what is left: files never sent, and with `remove`, any a retry missed.
    await this.files?.eraseMine(userId, remove ? 'all' : 'unsent');
    if (!(await this.meta.eraseUser(userId, this.now()))) throw AppError.unauthenticated('this account was deleted');
    this.broadcaster.disconnectUser(userId);
    // A room joined in the moment between leaving and the erasure (a request already in flight).
    await this.leaveRooms(userId);
  }

  private async leaveRooms(userId: string) {
    for (const roomId of await this.meta.listRoomIdsOfUser(userId)) await this.rooms.removeErasedMember(roomId, userId);
  }

  private async removeMessages(userId: string) {
    for await (const page of this.messagePages(userId)) {
      const current = await this.states.overlay(page);
      const live = page.filter((_, i) => !current[i]!.deletedAt);
      for (const [roomId, messages] of byRoom(live)) {
        for (let i = 0; i < messages.length; i += this.deletesPerTurn) {
          await this.deleteInRoom(userId, roomId, messages.slice(i, i + this.deletesPerTurn));
        }
      }
      // Every message of the page, deleted now or before: a tombstone's text was still kept.
      for (const [roomId, messages] of byRoom(page)) {
        await this.history.eraseContent(
          roomId,
          messages.map((m) => m.id),
        );
      }
      await this.states.eraseEdits(page.map((m) => m.id));
    }
  }

  private async deleteInRoom(userId: string, roomId: string, messages: Message[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.actions.deleteForErasure(userId, roomId, messages);
        return;
      } catch (e) {
        // History left behind by a room whose deletion was cut short: there is no room to
        // order a delete in, and nobody to tell. Its text is still erased (removeMessages).
        if ((e as { code?: string }).code === 'ROOM_MISSING') return;
        // The room's queue is full of other people's sends: wait our turn rather than fail the whole erasure.
        if (isAppError(e) && e.code === 'OVERLOADED' && attempt < 10) {
          await new Promise((r) => setTimeout(r, this.opts.overloadedRetryMs ?? e.retryAfterMs ?? 500));
          continue;
        }
        throw e;
      }
    }
  }
}

/** Writes a JSON array's items page by page: one a line, a comma before every one but the very first. */
function jsonItems(): (items: readonly unknown[]) => string {
  let first = true;
  return (items) =>
    items
      .map((item) => {
        const sep = first ? '\n    ' : ',\n    ';
        first = false;
        return sep + JSON.stringify(item);
      })
      .join('');
}

function byRoom(messages: readonly Message[]): Map<string, Message[]> {
  const out = new Map<string, Message[]>();
  for (const m of messages) out.set(m.roomId, [...(out.get(m.roomId) ?? []), m]);
  return out;
}

const toExportedSession = (s: SessionRecord): ExportedSession => ({
  id: s.id,
  startedAt: s.startedAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  endedAt: s.endedAt?.toISOString() ?? null,
});

/**
 * A message of the export: as it is now, with the texts it had before. History keeps the
 * text as sent and each edit kept its own, so the versions are the sent one then each edit;
 * the last is the current text, unless the message is deleted, when all of them are earlier.
 */
export function exportedMessage(original: Message, current: Message, edits: readonly { content: string; at: Date }[]): ExportedMessage {
  const versions = [
    { content: original.content, from: original.createdAt },
    ...edits.map((e) => ({ content: e.content, from: e.at.toISOString() })),
  ].filter((v) => v.content !== '');
  const earlierVersions = current.deletedAt ? versions : versions.slice(0, -1);
  return {
    id: original.id,
    roomId: original.roomId,
    seq: original.seq,
    clientMsgId: original.clientMsgId,
    contentType: original.contentType,
    createdAt: original.createdAt,
    content: current.content,
    replyTo: original.replyTo,
    threadRootId: current.threadRootId ?? null,
    editedAt: current.editedAt ?? null,
    deletedAt: current.deletedAt ?? null,
    deletedBy: current.deletedBy ?? null,
    earlierVersions,
    reactions: (current.reactions ?? []).map((r) => ({ emoji: r.emoji, count: r.count })),
  };
}
