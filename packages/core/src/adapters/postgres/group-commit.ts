import type { EntityManager } from 'typeorm';
import type { Message } from '@qc/shared';
import { NOT_MEMBER, type BatchAppendResult, type NewMessage } from '../../ports/message-store.port';
import { queryPreparedRows, type Queryable } from './pg-rows';

/**
 * The one statement a batch of sends to one room commits with (group commit, issue #11):
 * in a single round trip and a single fsync it
 *  - leaves out every send whose sender is not a member of the room at this moment, repeats
 *    included (so the membership check needs no query of its own, and a member removed
 *    between a check and the commit cannot slip a message in),
 *  - answers every repeat of a stored (room, sender, clientMsgId) with the stored row,
 *  - takes the next gap-free seqs for the rest from the room's counter (its row lock
 *    serialises concurrent batches of the room, from any node),
 *  - inserts them, and moves each sender's read marker to their last one,
 *  - records whom each new one mentions (members only; a repeat mentions nobody again).
 * All of that commits or none of it does. The caller runs it inside an explicit transaction
 * all the same (two more round trips, no more fsyncs): a statement in autocommit commits by
 * itself once it finishes, even when its client gave up on it (a stall past the query bound
 * answered UNAVAILABLE), and "refused UNAVAILABLE" must mean nothing was stored.
 *
 * The two history tables share it: `messages` (the embedded profile) and `message_keys`
 * (seq, idempotency key and outbox of the Cassandra profile, whose day bucket rides along).
 */
export interface KeyTable {
  name: 'messages' | 'message_keys';
  /** The columns returned for each row. */
  returning: string;
  /** message_keys: each send's Cassandra day bucket; the batch's rows take rooms.history_bucket, moved up to the latest. */
  bucketOf?: (createdAt: Date) => number;
}

export interface CommittedRow<R> {
  row: R;
  created: boolean;
}

/**
 * Commits the batch (all of one room, repeats within it already folded by the caller) and
 * returns, per send in order, its row and whether this call created it, or null when its
 * sender is not a member (or the room is gone).
 */
export async function commitRoomBatch<R>(
  db: Queryable,
  table: KeyTable,
  roomId: string,
  items: readonly NewMessage[],
): Promise<(CommittedRow<R> | null)[]> {
  const last = items.reduce((at, m) => (m.createdAt > at ? m.createdAt : at), items[0]!.createdAt);
  // The two mention parameters come after the bucket's ($10) where there is one.
  const MENTION_PARAMS = table.bucketOf ? 11 : 10;
  const bucketSet = table.bucketOf ? `, history_bucket = GREATEST(history_bucket, $10)` : '';
  const bucketReturn = table.bucketOf ? ', history_bucket' : '';
  const bucketCol = table.bucketOf ? ', bucket' : '';
  const bucketVal = table.bucketOf ? ', b.history_bucket' : '';
  const prefixed = table.returning
    .split(',')
    .map((c) => `x.${c.trim()}`)
    .join(', ');
  const sql = `
    WITH input AS (
      SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::timestamptz[])
        WITH ORDINALITY AS t(id, sender_id, client_msg_id, content, content_type, reply_to, created_at, ord)
    ),
    members AS (
      SELECT i.* FROM input i
      WHERE EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = $1 AND rm.user_id = i.sender_id)
    ),
    existing AS (
      SELECT i.ord, m.* FROM members i
      JOIN ${table.name} m ON m.room_id = $1 AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id
    ),
    allowed AS (
      SELECT i.* FROM members i WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.ord = i.ord)
    ),
    numbered AS (
      SELECT a.*, row_number() OVER (ORDER BY a.ord) AS rn, count(*) OVER () AS n FROM allowed a
    ),
    bump AS (
      UPDATE rooms SET last_seq = last_seq + (SELECT count(*) FROM allowed), last_message_at = $9${bucketSet}
      WHERE id = $1 AND EXISTS (SELECT 1 FROM allowed)
      RETURNING last_seq${bucketReturn}
    ),
    ins AS (
      INSERT INTO ${table.name} (id, room_id, seq, sender_id, client_msg_id, content, content_type, reply_to, created_at${bucketCol})
      SELECT n.id, $1, b.last_seq - n.n + n.rn, n.sender_id, n.client_msg_id, n.content, n.content_type, n.reply_to, n.created_at${bucketVal}
      FROM numbered n CROSS JOIN bump b
      ORDER BY n.rn
      RETURNING *
    ),
    marks AS (
      UPDATE room_members rm SET read_seq = GREATEST(rm.read_seq, s.seq)
      FROM (SELECT sender_id, max(seq) AS seq FROM ins GROUP BY sender_id) s
      WHERE rm.room_id = $1 AND rm.user_id = s.sender_id
    ),
    mentioned AS (
      INSERT INTO message_mentions (room_id, seq, user_id)
      SELECT $1, x.seq, mm.user_id
      FROM unnest($${MENTION_PARAMS}::bigint[], $${MENTION_PARAMS + 1}::uuid[]) AS mm(ord, user_id)
      JOIN numbered n ON n.ord = mm.ord
      JOIN ins x ON x.id = n.id
      WHERE mm.user_id IS NULL
         OR EXISTS (SELECT 1 FROM room_members rm WHERE rm.room_id = $1 AND rm.user_id = mm.user_id AND rm.user_id <> x.sender_id)
    )
    SELECT n.ord, true AS created, ${prefixed} FROM ins x JOIN numbered n ON n.id = x.id
    UNION ALL
    SELECT x.ord, false AS created, ${prefixed} FROM existing x`;
  const params: unknown[] = [
    roomId,
    items.map((m) => m.id),
    items.map((m) => m.senderId),
    items.map((m) => m.clientMsgId),
    items.map((m) => m.content),
    items.map((m) => m.contentType),
    items.map((m) => m.replyTo),
    items.map((m) => m.createdAt),
    last,
  ];
  // Whom each send mentions, flattened to (its place in the batch, user or null for everyone).
  const mentionOrds: number[] = [];
  const mentionUsers: (string | null)[] = [];
  items.forEach((m, i) => {
    const whom = [...(m.mentions?.userIds ?? []), ...(m.mentions?.everyone ? [null] : [])];
    for (const userId of whom) {
      mentionOrds.push(i + 1);
      mentionUsers.push(userId);
    }
  });
  if (table.bucketOf) params.push(Math.max(...items.map((m) => table.bucketOf!(m.createdAt))));
  params.push(mentionOrds, mentionUsers);
  // The text depends on the table only, so the table names the prepared statement.
  const rows = await queryPreparedRows<R & { ord: string; created: boolean }>(db, `qc_commit_${table.name}`, sql, params);
  const out: (CommittedRow<R> | null)[] = items.map(() => null);
  for (const { ord, created, ...row } of rows) out[Number(ord) - 1] = { row: row as unknown as R, created };
  return out;
}

/**
 * MessageStore.appendBatch for a store whose keys live in `table`: repeats within the batch
 * (a client resending before its first attempt was answered) are committed once, the batch
 * commits in a transaction (again if a racing retry stored one of its sends first), and each
 * committed row becomes its message through `answer` (the Cassandra store writes it through
 * there), one after another: they share the room's one connection.
 */
export async function appendRoomBatch<R>(
  db: EntityManager,
  table: KeyTable,
  items: readonly NewMessage[],
  answer: (row: R) => Message | Promise<Message>,
): Promise<BatchAppendResult[]> {
  const byKey = new Map<string, number>();
  const distinct: NewMessage[] = [];
  const slots = items.map((m) => {
    const key = `${m.senderId} ${m.clientMsgId}`;
    const seen = byKey.get(key);
    if (seen !== undefined) return { at: seen, first: false };
    byKey.set(key, distinct.push(m) - 1);
    return { at: distinct.length - 1, first: true };
  });
  const committed = await retryRacedRepeat(() => db.transaction((tx) => commitRoomBatch<R>(tx, table, distinct[0]!.roomId, distinct)));
  const messages: (Message | null)[] = [];
  for (const c of committed) messages.push(c ? await answer(c.row) : null);
  return slots.map(({ at, first }) => {
    const message = messages[at];
    // A repeat inside the batch is answered with the message its first copy created.
    return message ? { message, created: committed[at]!.created && first } : NOT_MEMBER;
  });
}

/**
 * Runs a batch commit again when a concurrent statement stored one of its sends first (a
 * retry racing its original without the room sequencer in between: the unique key refuses
 * the whole statement, and the next attempt answers that send as a repeat).
 */
export async function retryRacedRepeat<T>(commit: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await commit();
    } catch (e) {
      if ((e as { code?: string }).code !== '23505' || i >= attempts) throw e;
    }
  }
}
