import type { DataSource } from 'typeorm';
import type { ContentType, Message } from '@qc/shared';
import { queryRows, type Queryable } from './pg-rows';
import { managerFor } from './pg-scope';
import type { AppendResult, MessageStore, NewMessage } from '../../ports/message-store.port';
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
 * Seq allocation: `UPDATE rooms SET last_seq = last_seq + 1` takes the room row's lock
 * until commit, so concurrent appends to one room (from any number of api nodes) are
 * serialised and each gets the next number; a rolled-back insert rolls the counter back
 * too, so there is never a gap. The sender's read marker moves in the same transaction:
 * what you wrote yourself is never unread.
 *
 * Handed the room sequencer's scope, append runs all of that on the connection holding the
 * room's lock and takes no other from the pool (see SequencerScope).
 */
export class PostgresMessageStore implements MessageStore {
  constructor(private readonly ds: DataSource) {}

  async append(m: NewMessage, scope?: SequencerScope): Promise<AppendResult> {
    const db = managerFor(this.ds, scope);
    // No lookup first: MessagesService already asked, and a repeat that slips past it
    // fails the idempotency constraint, rolling back its seq, and is answered below.
    try {
      const row = await db.transaction(async (tx) => {
        const seqRows = await queryRows<{ last_seq: string }>(
          tx,
          `UPDATE rooms SET last_seq = last_seq + 1, last_message_at = $2 WHERE id = $1 RETURNING last_seq`,
          [m.roomId, m.createdAt],
        );
        const seqRow = seqRows[0];
        if (!seqRow) throw Object.assign(new Error(`room ${m.roomId} does not exist`), { code: 'ROOM_MISSING' });
        const inserted = await queryRows<MessageRow>(
          tx,
          `INSERT INTO messages (id, room_id, seq, sender_id, client_msg_id, content, content_type, reply_to, created_at)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING ${MESSAGE_COLUMNS}`,
          [m.id, m.roomId, seqRow.last_seq, m.senderId, m.clientMsgId, m.content, m.contentType, m.replyTo, m.createdAt],
        );
        await tx.query(`UPDATE room_members SET read_seq = GREATEST(read_seq, $3) WHERE room_id = $1 AND user_id = $2`, [
          m.roomId,
          m.senderId,
          seqRow.last_seq,
        ]);
        return inserted[0]!;
      });
      return { message: toMessage(row), created: true };
    } catch (e) {
      // A concurrent retry of the same clientMsgId committed first: answer with its message.
      if ((e as { code?: string }).code === '23505') {
        const original = await this.find(db, m.roomId, m.senderId, m.clientMsgId);
        if (original) return { message: original, created: false };
      }
      throw e;
    }
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
}
