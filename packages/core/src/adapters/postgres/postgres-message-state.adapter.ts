import type { DataSource, EntityManager } from 'typeorm';
import { LIMITS, type Attachment, type Message } from '@qc/shared';
import { toAttachment } from '../../ports/upload-store.port';
import { PostgresUploadStore } from './postgres-upload-store.adapter';
import { groupReactions, withState, type MessageStateRecord } from '../../lib/message-state';
import type { ChangeOutcome, ChangeRef, ChangeRequest, MessageStateStore, ReactionRecord } from '../../ports/message-state.port';
import type { SequencerScope } from '../../ports/room-sequencer.port';
import { queryRows, type Queryable } from './pg-rows';
import { managerFor } from './pg-scope';

interface StateRow {
  message_id: string;
  content: string | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  deleted_by: string | null;
  pinned_at: Date | null;
  pinned_by: string | null;
  reply_count: number;
  last_reply_at: Date | null;
  version: string;
}

const toState = (r: StateRow): MessageStateRecord => ({
  content: r.content,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
  deletedBy: r.deleted_by,
  pinnedAt: r.pinned_at,
  pinnedBy: r.pinned_by,
  replyCount: r.reply_count,
  lastReplyAt: r.last_reply_at,
  version: Number(r.version),
});

/**
 * Message state in PostgreSQL, for both profiles (the room's seq counter is here whichever
 * engine keeps history). A change is one transaction: take the room's next seq, record the
 * change, move the state. Reading the state first under FOR UPDATE makes a change that
 * would alter nothing (a repeat, a retry) commit nothing and take no seq, so the stream
 * has no empty entries and a retried change lands once.
 */
export class PostgresMessageStateStore implements MessageStateStore {
  private readonly uploads: PostgresUploadStore;

  constructor(private readonly ds: DataSource) {
    this.uploads = new PostgresUploadStore(ds);
  }

  async apply(req: ChangeRequest, scope?: SequencerScope): Promise<ChangeOutcome> {
    const db = managerFor(this.ds, scope);
    return db.transaction((tx) => this.applyIn(tx, req));
  }

  private async applyIn(tx: EntityManager, req: ChangeRequest): Promise<ChangeOutcome> {
    const { change } = req;
    // The message as sent, with its files: every update carries them, so a client replacing its copy keeps them.
    const original =
      req.original.contentType === 'text'
        ? req.original
        : { ...req.original, attachments: (await this.uploads.listByMessages([req.original.id], tx)).map(toAttachment) };
    const [stateRow] = await queryRows<StateRow>(tx, `SELECT * FROM message_states WHERE message_id = $1 FOR UPDATE`, [original.id]);
    const state = stateRow ? toState(stateRow) : null;
    const reactions = await this.reactionRows(tx, [original.id]);
    const threadRootId = (await this.threadRoots(tx, [original.id])).get(original.id) ?? null;
    const current = withState(original, state, groupReactions(reactions), threadRootId);

    if (change.kind === 'thread_reply') {
      // Linked already: a retried send of the reply. (A deleted root still counts its replies,
      // as a tombstone does in Slack: the reply was validated before the delete landed.)
      const linked = await queryRows<{ message_id: string }>(
        tx,
        `INSERT INTO message_threads (message_id, room_id, root_id, seq, sender_id) VALUES ($1,$2,$3,$4,$5) ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        [change.replyId, original.roomId, original.id, change.replySeq, req.actorId],
      );
      if (linked.length === 0) return { applied: false, message: current };
    } else if (state?.deletedAt)
      return change.kind === 'delete' ? { applied: false, message: current } : { applied: false, refused: 'deleted', message: current };
    const mine = (emoji: string) => reactions.some((r) => r.emoji === emoji && r.userId === req.actorId);
    switch (change.kind) {
      case 'edit':
        if (current.content === change.content) return { applied: false, message: current };
        break;
      case 'reaction_add':
        if (mine(change.emoji)) return { applied: false, message: current };
        if (!current.reactions!.some((r) => r.emoji === change.emoji) && current.reactions!.length >= LIMITS.reactionsPerMessageMax)
          return { applied: false, refused: 'too-many-reactions', message: current };
        break;
      case 'reaction_remove':
        if (!mine(change.emoji)) return { applied: false, message: current };
        break;
      case 'pin':
        if (state?.pinnedAt) return { applied: false, message: current };
        if ((await this.pinnedCount(tx, original.roomId)) >= LIMITS.pinsPerRoomMax)
          return { applied: false, refused: 'too-many-pins', message: current };
        break;
      case 'unpin':
        if (!state?.pinnedAt) return { applied: false, message: current };
        break;
      case 'delete':
      case 'thread_reply':
        break;
    }

    const [next] = await queryRows<{ last_seq: string }>(tx, `UPDATE rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq`, [
      original.roomId,
    ]);
    if (!next) throw Object.assign(new Error(`room ${original.roomId} does not exist`), { code: 'ROOM_MISSING' });
    const seq = Number(next.last_seq);
    await tx.query(
      `INSERT INTO message_changes (room_id, seq, message_id, kind, actor_id, content, emoji, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [
        original.roomId,
        seq,
        original.id,
        change.kind,
        req.actorId,
        change.kind === 'edit' ? change.content : null,
        'emoji' in change ? change.emoji : null,
        req.at,
      ],
    );
    const blank = {
      content: null,
      editedAt: null,
      deletedAt: null,
      deletedBy: null,
      pinnedAt: null,
      pinnedBy: null,
      replyCount: 0,
      lastReplyAt: null,
    };
    const next_state: MessageStateRecord = { ...(state ?? blank), version: seq };
    if (change.kind === 'edit') Object.assign(next_state, { content: change.content, editedAt: req.at });
    // A tombstone is not pinned either: the pinned list never shows a deleted message.
    if (change.kind === 'delete')
      Object.assign(next_state, { content: null, deletedAt: req.at, deletedBy: req.actorId, pinnedAt: null, pinnedBy: null });
    if (change.kind === 'pin') Object.assign(next_state, { pinnedAt: req.at, pinnedBy: req.actorId });
    if (change.kind === 'unpin') Object.assign(next_state, { pinnedAt: null, pinnedBy: null });
    if (change.kind === 'thread_reply') Object.assign(next_state, { replyCount: next_state.replyCount + 1, lastReplyAt: req.at });
    await tx.query(
      `INSERT INTO message_states
         (message_id, room_id, content, edited_at, deleted_at, deleted_by, pinned_at, pinned_by, reply_count, last_reply_at, version)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)
       ON CONFLICT (message_id) DO UPDATE SET content = EXCLUDED.content, edited_at = EXCLUDED.edited_at,
         deleted_at = EXCLUDED.deleted_at, deleted_by = EXCLUDED.deleted_by,
         pinned_at = EXCLUDED.pinned_at, pinned_by = EXCLUDED.pinned_by,
         reply_count = EXCLUDED.reply_count, last_reply_at = EXCLUDED.last_reply_at, version = EXCLUDED.version`,
      [
        original.id,
        original.roomId,
        next_state.content,
        next_state.editedAt,
        next_state.deletedAt,
        next_state.deletedBy,
        next_state.pinnedAt,
        next_state.pinnedBy,
        next_state.replyCount,
        next_state.lastReplyAt,
        seq,
      ],
    );
    let after: { emoji: string; userId: string }[] = reactions;
    if (change.kind === 'reaction_add') {
      await tx.query(`INSERT INTO message_reactions (message_id, emoji, user_id, room_id, created_at) VALUES ($1,$2,$3,$4,$5)`, [
        original.id,
        change.emoji,
        req.actorId,
        original.roomId,
        req.at,
      ]);
      after = [...reactions, { emoji: change.emoji, userId: req.actorId }];
    } else if (change.kind === 'reaction_remove') {
      await tx.query(`DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3`, [
        original.id,
        change.emoji,
        req.actorId,
      ]);
      after = reactions.filter((r) => !(r.emoji === change.emoji && r.userId === req.actorId));
    } else if (change.kind === 'delete') {
      // A tombstone keeps no reactions (the change rows still say who reacted, for moderators),
      // and mentions nobody any more: its "@" leaves the rooms' counts.
      await tx.query(`DELETE FROM message_reactions WHERE message_id = $1`, [original.id]);
      await tx.query(`DELETE FROM message_mentions WHERE room_id = $1 AND seq = $2`, [original.roomId, original.seq]);
      after = [];
    }
    return {
      applied: true,
      update: { roomId: original.roomId, seq, message: withState(original, next_state, groupReactions(after), threadRootId) },
    };
  }

  private async threadRoots(db: Queryable, ids: string[]): Promise<Map<string, string>> {
    const rows = await queryRows<{ message_id: string; root_id: string }>(
      db,
      `SELECT message_id, root_id FROM message_threads WHERE message_id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.message_id, r.root_id]));
  }

  async listThread(roomId: string, rootId: string, afterSeq: number, limit: number): Promise<ChangeRef[]> {
    const rows = await queryRows<{ seq: string; message_id: string }>(
      this.ds,
      `SELECT seq, message_id FROM message_threads WHERE room_id = $1 AND root_id = $2 AND seq > $3 ORDER BY seq ASC LIMIT $4`,
      [roomId, rootId, afterSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), messageId: r.message_id }));
  }

  async threadParticipants(roomId: string, rootId: string): Promise<string[]> {
    const rows = await queryRows<{ sender_id: string }>(
      this.ds,
      `SELECT DISTINCT sender_id FROM message_threads WHERE room_id = $1 AND root_id = $2 AND sender_id IS NOT NULL`,
      [roomId, rootId],
    );
    return rows.map((r) => r.sender_id);
  }

  private async pinnedCount(db: Queryable, roomId: string): Promise<number> {
    const [row] = await queryRows<{ n: number }>(
      db,
      `SELECT count(*)::int AS n FROM message_states WHERE room_id = $1 AND pinned_at IS NOT NULL`,
      [roomId],
    );
    return row?.n ?? 0;
  }

  async listPinned(roomId: string, limit: number): Promise<string[]> {
    const rows = await queryRows<{ message_id: string }>(
      this.ds,
      `SELECT message_id FROM message_states WHERE room_id = $1 AND pinned_at IS NOT NULL ORDER BY pinned_at DESC, version DESC LIMIT $2`,
      [roomId, limit],
    );
    return rows.map((r) => r.message_id);
  }

  private async reactionRows(db: Queryable, ids: string[]): Promise<{ messageId: string; emoji: string; userId: string }[]> {
    // In the order each was added, so an emoji's place is where it was first used.
    const rows = await queryRows<{ message_id: string; emoji: string; user_id: string }>(
      db,
      `SELECT message_id, emoji, user_id FROM message_reactions WHERE message_id = ANY($1::uuid[]) ORDER BY created_at, emoji, user_id`,
      [ids],
    );
    return rows.map((r) => ({ messageId: r.message_id, emoji: r.emoji, userId: r.user_id }));
  }

  async overlay(messages: Message[]): Promise<Message[]> {
    if (messages.length === 0) return [];
    const ids = messages.map((m) => m.id);
    const withFiles = messages.filter((m) => m.contentType !== 'text').map((m) => m.id);
    const [states, reactions, roots, files] = await Promise.all([
      queryRows<StateRow>(this.ds, `SELECT * FROM message_states WHERE message_id = ANY($1::uuid[])`, [ids]),
      this.reactionRows(this.ds, ids),
      this.threadRoots(this.ds, ids),
      // Files are kept in PostgreSQL in both profiles: history (in Cassandra too) stores only the message's type.
      this.uploads.listByMessages(withFiles),
    ]);
    const filesOf = new Map<string, Attachment[]>();
    for (const u of files) filesOf.set(u.messageId!, [...(filesOf.get(u.messageId!) ?? []), toAttachment(u)]);
    const stateOf = new Map(states.map((r) => [r.message_id, toState(r)]));
    const reactionsOf = new Map<string, { emoji: string; userId: string }[]>();
    for (const r of reactions) reactionsOf.set(r.messageId, [...(reactionsOf.get(r.messageId) ?? []), r]);
    return messages.map((m) =>
      withState(
        m.contentType === 'text' ? m : { ...m, attachments: filesOf.get(m.id) ?? [] },
        stateOf.get(m.id) ?? null,
        groupReactions(reactionsOf.get(m.id) ?? []),
        roots.get(m.id) ?? null,
      ),
    );
  }

  async listChangesAfter(roomId: string, afterSeq: number, limit: number): Promise<ChangeRef[]> {
    const rows = await queryRows<{ seq: string; message_id: string }>(
      this.ds,
      `SELECT seq, message_id FROM message_changes WHERE room_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
      [roomId, afterSeq, limit],
    );
    return rows.map((r) => ({ seq: Number(r.seq), messageId: r.message_id }));
  }

  async listEdits(messageIds: string[]): Promise<{ messageId: string; content: string; at: Date }[]> {
    if (messageIds.length === 0) return [];
    const rows = await queryRows<{ message_id: string; content: string | null; created_at: Date }>(
      this.ds,
      `SELECT message_id, content, created_at FROM message_changes WHERE message_id = ANY($1::uuid[]) AND kind = 'edit' ORDER BY message_id, seq`,
      [messageIds],
    );
    // An erased edit keeps its row (its seq is part of the room's order) but not its text.
    return rows.flatMap((r) => (r.content === null ? [] : [{ messageId: r.message_id, content: r.content, at: r.created_at }]));
  }

  async listReactionsBy(userId: string, after: { messageId: string; emoji: string } | null, limit: number): Promise<ReactionRecord[]> {
    const rows = await queryRows<{ room_id: string; message_id: string; emoji: string; created_at: Date }>(
      this.ds,
      after
        ? `SELECT room_id, message_id, emoji, created_at FROM message_reactions
           WHERE user_id = $1 AND (message_id, emoji) > ($3::uuid, $4::text) ORDER BY message_id, emoji LIMIT $2`
        : `SELECT room_id, message_id, emoji, created_at FROM message_reactions WHERE user_id = $1 ORDER BY message_id, emoji LIMIT $2`,
      after ? [userId, limit, after.messageId, after.emoji] : [userId, limit],
    );
    return rows.map((r) => ({ roomId: r.room_id, messageId: r.message_id, emoji: r.emoji, at: r.created_at }));
  }

  async listPinsBy(userId: string): Promise<{ roomId: string; messageId: string; pinnedAt: Date }[]> {
    const rows = await queryRows<{ room_id: string; message_id: string; pinned_at: Date }>(
      this.ds,
      `SELECT room_id, message_id, pinned_at FROM message_states WHERE pinned_by = $1 AND pinned_at IS NOT NULL ORDER BY pinned_at, message_id`,
      [userId],
    );
    return rows.map((r) => ({ roomId: r.room_id, messageId: r.message_id, pinnedAt: r.pinned_at }));
  }

  async eraseEdits(messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.ds.query(
      `UPDATE message_changes SET content = NULL WHERE message_id = ANY($1::uuid[]) AND kind = 'edit' AND content IS NOT NULL`,
      [messageIds],
    );
  }

  async deleteRoom(roomId: string): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(`DELETE FROM message_reactions WHERE room_id = $1`, [roomId]);
      await tx.query(`DELETE FROM message_states WHERE room_id = $1`, [roomId]);
      await tx.query(`DELETE FROM message_changes WHERE room_id = $1`, [roomId]);
      await tx.query(`DELETE FROM message_threads WHERE room_id = $1`, [roomId]);
      await tx.query(`DELETE FROM message_mentions WHERE room_id = $1`, [roomId]);
    });
  }
}
