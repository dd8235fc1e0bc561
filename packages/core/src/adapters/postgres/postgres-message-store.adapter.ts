import type { DataSource } from 'typeorm';
import type { ContentType, Message } from '@qc/shared';
import { queryRows, type Queryable } from './pg-rows';
import { managerFor } from './pg-scope';
import {
  appendOne,
  type AppendResult,
  type BatchAppendResult,
  type MessageStore,
  type NewMessage,
  type SenderCursor,
} from '../../ports/message-store.port';
import { appendRoomBatch, type KeyTable } from './group-commit';
import type { SequencerScope } from '../../ports/room-sequencer.port';

export interface MessageRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  client_msg_id: string;
  content: string;
  content_type: ContentType;
  reply_to: string | null;
  created_at: Date;
}

/**
 * The columns a Message is read from, named rather than `*`: the table also holds the
 * search column `content_tsv`, which no reader of history needs sent over the wire.
 */
export const MESSAGE_COLUMNS = 'id, room_id, seq, sender_id, client_msg_id, content, content_type, reply_to, created_at';

const MESSAGES_TABLE: KeyTable = { name: 'messages', returning: MESSAGE_COLUMNS };

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  roomId: r.room_id,
  seq: Number(r.seq),
  senderId: r.sender_id,
  clientMsgId: r.client_msg_id,
  content: r.content,
  contentType: r.content_type,
  replyTo: r.reply_to,
  createdAt: r.created_at.toISOString(),
});

/**
 * History in the same PostgreSQL as the metadata (the embedded profile).
 *
 * Sends are committed in batches per room, one statement each (see commitRoomBatch): the
 * seq comes from `UPDATE rooms SET last_seq = last_seq + n`, whose row lock serialises
 * concurrent batches of one room from any number of api nodes, and a batch that rolls back
 * rolls the counter back too, so there is never a gap. Senders' read markers move in the
 * same statement: what you wrote yourself is never unread.
 *
 * Handed the room sequencer's scope, the statement runs on the connection holding the
 * room's lock and takes no other from the pool (see SequencerScope).
 */
export class PostgresMessageStore implements MessageStore {
  constructor(private readonly ds: DataSource) {}

  async append(m: NewMessage, scope?: SequencerScope): Promise<AppendResult> {
    return appendOne(this, m, scope);
  }

  appendBatch(items: NewMessage[], scope?: SequencerScope): Promise<BatchAppendResult[]> {
    return appendRoomBatch<MessageRow>(managerFor(this.ds, scope), MESSAGES_TABLE, items, toMessage);
  }

  findByClientMsgId(roomId: string, senderId: string, clientMsgId: string) {
    return this.find(this.ds, roomId, senderId, clientMsgId);
  }

  async findByIds(roomId: string, ids: string[]) {
    if (ids.length === 0) return [];
    const rows = await queryRows<MessageRow>(
      this.ds,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND id = ANY($2::uuid[])`,
      [roomId, ids],
    );
    return rows.map(toMessage);
  }

  private async find(db: Queryable, roomId: string, senderId: string, clientMsgId: string) {
    const rows = await queryRows<MessageRow>(
      db,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND sender_id = $2 AND client_msg_id = $3`,
      [roomId, senderId, clientMsgId],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  async listAfter(roomId: string, afterSeq: number, limit: number) {
    const rows = await queryRows<MessageRow>(
      this.ds,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
      [roomId, afterSeq, limit],
    );
    return rows.map(toMessage);
  }

  async listBefore(roomId: string, beforeSeq: number | null, limit: number) {
    const rows = await queryRows<MessageRow>(
      this.ds,
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE room_id = $1 AND ($2::bigint IS NULL OR seq < $2) ORDER BY seq DESC LIMIT $3`,
      [roomId, beforeSeq, limit],
    );
    return rows.map(toMessage).reverse();
  }

  async deleteRoomMessages(roomId: string) {
    await this.ds.query(`DELETE FROM messages WHERE room_id = $1`, [roomId]);
  }

  async listBySender(senderId: string, after: SenderCursor | null, limit: number) {
    // Two statements rather than one with "$2 IS NULL OR": each keeps to the (sender_id, room_id, seq) index.
    const rows = after
      ? await queryRows<MessageRow>(
          this.ds,
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = $1 AND (room_id, seq) > ($2::uuid, $3::bigint)
           ORDER BY room_id, seq LIMIT $4`,
          [senderId, after.roomId, after.seq, limit],
        )
      : await queryRows<MessageRow>(
          this.ds,
          `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = $1 ORDER BY room_id, seq LIMIT $2`,
          [senderId, limit],
        );
    return rows.map(toMessage);
  }

  async eraseContent(roomId: string, ids: string[]) {
    if (ids.length === 0) return;
    // The search column is generated from content: it empties with it.
    await this.ds.query(`UPDATE messages SET content = '' WHERE room_id = $1 AND id = ANY($2::uuid[]) AND content <> ''`, [roomId, ids]);
  }
}
