import type { Client } from 'cassandra-driver';
import type { DataSource } from 'typeorm';
import type { ContentType, Message } from '@qc/shared';
import {
  appendOne,
  type AppendResult,
  type BatchAppendResult,
  type HistoryWriter,
  type MessageStore,
  type NewMessage,
} from '../../ports/message-store.port';
import { appendRoomBatch, type KeyTable } from '../postgres/group-commit';
import type { SequencerScope } from '../../ports/room-sequencer.port';
import { queryRows, type Queryable } from '../postgres/pg-rows';
import { managerFor } from '../postgres/pg-scope';

const DAY_MS = 86_400_000;
/** UTC day number: the bucket of the (room_id, bucket) partition (never below the room's previous one, see append). */
export const dayBucket = (d: Date) => Math.floor(d.getTime() / DAY_MS);

interface KeyRow {
  room_id: string;
  sender_id: string;
  client_msg_id: string;
  seq: string;
  bucket: number;
  id: string;
  created_at: Date;
  stored: boolean;
  content: string | null;
  content_type: ContentType | null;
  reply_to: string | null;
}

/** The Cassandra profile's PostgreSQL half: seq, idempotency key and outbox row (exported for the commit statement's spec). */
export const KEYS_TABLE: KeyTable = {
  name: 'message_keys',
  returning: 'room_id, sender_id, client_msg_id, seq, bucket, id, created_at, stored, content, content_type, reply_to',
  bucketOf: (createdAt) => dayBucket(createdAt),
};

const fromKeyRow = (r: KeyRow): Message => ({
  id: r.id,
  roomId: r.room_id,
  seq: Number(r.seq),
  senderId: r.sender_id,
  clientMsgId: r.client_msg_id,
  content: r.content ?? '',
  contentType: r.content_type ?? 'text',
  replyTo: r.reply_to,
  createdAt: r.created_at.toISOString(),
});

interface CqlRow {
  get(name: string): unknown;
}
const fromCql = (r: CqlRow): Message => ({
  id: String(r.get('id')),
  roomId: String(r.get('room_id')),
  seq: Number(r.get('seq')),
  senderId: String(r.get('sender_id')),
  clientMsgId: String(r.get('client_msg_id')),
  content: String(r.get('content')),
  contentType: String(r.get('content_type')) as ContentType,
  replyTo: r.get('reply_to') ? String(r.get('reply_to')) : null,
  createdAt: (r.get('created_at') as Date).toISOString(),
});

/**
 * History in Cassandra, partitioned by (room_id, day bucket), clustered by seq descending.
 *
 * What must be atomic with the room's seq counter stays in PostgreSQL: one statement per
 * batch of sends takes the next seqs and records each idempotency key with its message (an
 * outbox row), see commitRoomBatch.
 * The message is then written to Cassandra (prepared, at the configured consistency) and
 * the outbox row is marked stored, dropping its body. The send is acked only after both,
 * so an acked message is in Cassandra. If the Cassandra write fails the send fails, the
 * message stays in the outbox, and readers still see it (they merge unstored outbox rows,
 * read before Cassandra so a concurrent store cannot slip between the two reads); a retry
 * of the same clientMsgId, or `storePending`, finishes the write. Writes are idempotent by
 * (room_id, bucket, seq).
 *
 * With `deferWrites` (the Kafka profile) append stops at the PostgreSQL commit, which is
 * the ack's durability point; the workers' `history` consumer writes Cassandra from the
 * log (storeLogged), off the sender's path. Readers merge the outbox meanwhile, so a
 * message is readable from its ack on, whichever has happened.
 *
 * Handed the room sequencer's scope, append's PostgreSQL work (the transaction, marking
 * the row stored, a raced retry's lookup) runs on the connection holding the room's lock,
 * taking no other from the pool (see SequencerScope); Cassandra has its own connections.
 */
export class CassandraMessageStore implements MessageStore, HistoryWriter {
  constructor(
    private readonly ds: DataSource,
    private readonly cql: Client,
    private readonly opts: { deferWrites?: boolean } = {},
  ) {}

  async append(m: NewMessage, scope?: SequencerScope): Promise<AppendResult> {
    return appendOne(this, m, scope);
  }

  appendBatch(items: NewMessage[], scope?: SequencerScope): Promise<BatchAppendResult[]> {
    // One statement commits the batch's seqs, keys and outbox rows (see commitRoomBatch);
    // a repeat is answered with its original, finished into Cassandra if it never got there.
    const db = managerFor(this.ds, scope);
    return appendRoomBatch<KeyRow>(db, KEYS_TABLE, items, (row) => this.answer(row, db));
  }

  /** The message of a committed key: written through to Cassandra now, unless the log's consumer does it. */
  private answer(key: KeyRow, db: Queryable): Promise<Message> {
    if (this.opts.deferWrites && !key.stored) return Promise.resolve(fromKeyRow(key));
    return this.finish(key, db);
  }

  /**
   * A run from the log in a fixed number of round trips, whatever its length: one query for
   * which of its messages are still in the outbox (and their buckets), the Cassandra writes
   * side by side, one UPDATE marking them stored. A message already stored (a redelivery, or
   * the outbox timer was first), or whose room was deleted since, is left out by the query.
   */
  async storeLogged(messages: readonly Message[]): Promise<number> {
    // A retried send published again repeats a message in the run: one write for both.
    const byKey = new Map(messages.map((m) => [`${m.roomId}:${m.seq}`, m]));
    if (byKey.size === 0) return 0;
    const run = [...byKey.values()];
    // `at`: the message's place in `run` (1-based), which says which of them each key is.
    const keys = await queryRows<{ at: string; bucket: number }>(
      this.ds,
      `SELECT r.at, k.bucket FROM message_keys k
         JOIN unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS r(room_id, seq, at) ON k.room_id = r.room_id AND k.seq = r.seq
        WHERE NOT k.stored`,
      [run.map((m) => m.roomId), run.map((m) => m.seq)],
    );
    const rows = keys.map((k) => ({ message: run[Number(k.at) - 1]!, bucket: k.bucket }));
    if (rows.length === 0) return 0;
    await this.writeToCassandra(rows);
    await this.markStored(rows.map((r) => r.message));
    return rows.length;
  }

  /** Done with these outbox rows: their messages are in Cassandra, readers stop merging them, the bodies go. */
  private async markStored(messages: readonly Message[], db: Queryable = this.ds) {
    await db.query(
      `UPDATE message_keys k SET stored = true, content = NULL, content_type = NULL, reply_to = NULL
         FROM unnest($1::uuid[], $2::bigint[]) AS r(room_id, seq) WHERE k.room_id = r.room_id AND k.seq = r.seq`,
      [messages.map((m) => m.roomId), messages.map((m) => m.seq)],
    );
  }

  /** Writes an outbox row to Cassandra if it is not there yet; returns the message. */
  private async finish(key: KeyRow, db: Queryable = this.ds): Promise<Message> {
    if (key.stored) {
      const found = await this.readOne(key.room_id, Number(key.seq), key.bucket);
      if (!found) throw new Error(`message ${key.id} is marked stored but missing from Cassandra`);
      return found;
    }
    const message = fromKeyRow(key);
    await this.writeToCassandra([{ message, bucket: key.bucket }]);
    await this.markStored([message], db);
    return message;
  }

  /**
   * Writes messages to Cassandra, idempotent by (room_id, bucket, seq), so a write repeated
   * puts the same row back, never a second one. A partition's rows (one room's day: a log
   * run's are nearly always one) go as one unlogged batch: a single mutation, applied
   * atomically in one round trip (Cassandra exempts single-partition batches from its batch
   * size limits). Each bucket is registered in room_buckets beside them. Nothing needs the
   * rows and their bucket atomic together (no logged batch): the outbox rows are marked
   * stored only after every write landed; until then readers merge them from the outbox,
   * and a retry writes them again.
   */
  private async writeToCassandra(rows: readonly { message: Message; bucket: number }[]) {
    const partitions = new Map<string, { roomId: string; bucket: number; messages: Message[] }>();
    for (const { message, bucket } of rows) {
      const key = `${message.roomId}:${bucket}`;
      const partition = partitions.get(key) ?? { roomId: message.roomId, bucket, messages: [] };
      partition.messages.push(message);
      partitions.set(key, partition);
    }
    await Promise.all(
      [...partitions.values()].flatMap(({ roomId, bucket, messages }) => [
        this.cql.batch(
          messages.map((m) => ({
            query: `INSERT INTO messages_by_room (room_id, bucket, seq, id, sender_id, client_msg_id, content, content_type, reply_to, created_at)
                    VALUES (?,?,?,?,?,?,?,?,?,?)`,
            params: [m.roomId, bucket, m.seq, m.id, m.senderId, m.clientMsgId, m.content, m.contentType, m.replyTo, new Date(m.createdAt)],
          })),
          { prepare: true, logged: false },
        ),
        this.cql.execute(`INSERT INTO room_buckets (room_id, bucket) VALUES (?,?)`, [roomId, bucket], { prepare: true }),
      ]),
    );
  }

  /** Finishes outbox rows that a failed send left behind (run periodically). Returns how many. */
  async storePending(olderThanMs = 5000, limit = 200): Promise<number> {
    const rows = await queryRows<KeyRow>(
      this.ds,
      `SELECT * FROM message_keys WHERE NOT stored AND created_at < now() - ($1::int * interval '1 millisecond') ORDER BY room_id, seq LIMIT $2`,
      [olderThanMs, limit],
    );
    for (const r of rows) await this.finish(r);
    return rows.length;
  }

  /** Seconds since the oldest outbox row still unwritten to Cassandra was committed; null when none waits. */
  async oldestPendingAgeSeconds(): Promise<number | null> {
    const rows = await queryRows<{ age: number | null }>(
      this.ds,
      `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM message_keys WHERE NOT stored`,
    );
    return rows[0]?.age ?? null;
  }

  private async findKey(roomId: string, senderId: string, clientMsgId: string, db: Queryable = this.ds): Promise<KeyRow | null> {
    const rows = await queryRows<KeyRow>(db, `SELECT * FROM message_keys WHERE room_id = $1 AND sender_id = $2 AND client_msg_id = $3`, [
      roomId,
      senderId,
      clientMsgId,
    ]);
    return rows[0] ?? null;
  }

  async findByClientMsgId(roomId: string, senderId: string, clientMsgId: string): Promise<Message | null> {
    const key = await this.findKey(roomId, senderId, clientMsgId);
    if (!key) return null;
    return key.stored ? this.readOne(roomId, Number(key.seq), key.bucket) : fromKeyRow(key);
  }

  async findByIds(roomId: string, ids: string[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    // The key rows say where each one is: still in the outbox, or at (bucket, seq) in Cassandra.
    const keys = await queryRows<KeyRow>(this.ds, `SELECT * FROM message_keys WHERE room_id = $1 AND id = ANY($2::uuid[])`, [roomId, ids]);
    const found = await Promise.all(
      keys.map((k) => (k.stored ? this.readOne(roomId, Number(k.seq), k.bucket) : Promise.resolve(fromKeyRow(k)))),
    );
    return found.filter((m): m is Message => m !== null);
  }

  private async readOne(roomId: string, seq: number, bucket: number): Promise<Message | null> {
    const rs = await this.cql.execute(
      `SELECT * FROM messages_by_room WHERE room_id = ? AND bucket = ? AND seq = ?`,
      [roomId, bucket, seq],
      { prepare: true },
    );
    const row = rs.first();
    return row ? fromCql(row) : null;
  }

  /** Outbox rows not yet in Cassandra, read first (see the class comment). */
  private async pending(roomId: string, where: string, params: unknown[]): Promise<Message[]> {
    const rows = await queryRows<KeyRow>(this.ds, `SELECT * FROM message_keys WHERE room_id = $1 AND NOT stored ${where} ORDER BY seq`, [
      roomId,
      ...params,
    ]);
    return rows.map(fromKeyRow);
  }

  private async buckets(roomId: string): Promise<number[]> {
    const rs = await this.cql.execute(`SELECT bucket FROM room_buckets WHERE room_id = ?`, [roomId], { prepare: true });
    return rs.rows.map((r) => Number(r.get('bucket'))); // newest first (clustering order)
  }

  async listAfter(roomId: string, afterSeq: number, limit: number): Promise<Message[]> {
    const pending = await this.pending(roomId, 'AND seq > $2', [afterSeq]);
    const buckets = await this.buckets(roomId);
    // Walk back from the newest bucket to the first one that starts at or before afterSeq + 1 …
    let start = buckets.length - 1;
    for (let i = 0; i < buckets.length; i++) {
      const rs = await this.cql.execute(
        `SELECT seq FROM messages_by_room WHERE room_id = ? AND bucket = ? ORDER BY seq ASC LIMIT 1`,
        [roomId, buckets[i]],
        {
          prepare: true,
        },
      );
      const first = rs.first();
      if (first && Number(first.get('seq')) <= afterSeq + 1) {
        start = i;
        break;
      }
    }
    // … then read forward in time.
    const out: Message[] = [];
    for (let i = start; i >= 0 && out.length < limit; i--) {
      const rs = await this.cql.execute(
        `SELECT * FROM messages_by_room WHERE room_id = ? AND bucket = ? AND seq > ? ORDER BY seq ASC LIMIT ?`,
        [roomId, buckets[i], afterSeq, limit - out.length],
        { prepare: true },
      );
      out.push(...rs.rows.map(fromCql));
    }
    return mergeBySeq(out, pending).slice(0, limit);
  }

  async listBefore(roomId: string, beforeSeq: number | null, limit: number): Promise<Message[]> {
    const pending = await this.pending(roomId, beforeSeq === null ? '' : 'AND seq < $2', beforeSeq === null ? [] : [beforeSeq]);
    const out: Message[] = [];
    for (const bucket of await this.buckets(roomId)) {
      if (out.length >= limit) break;
      const rs =
        beforeSeq === null
          ? await this.cql.execute(
              `SELECT * FROM messages_by_room WHERE room_id = ? AND bucket = ? LIMIT ?`,
              [roomId, bucket, limit - out.length],
              { prepare: true },
            )
          : await this.cql.execute(
              `SELECT * FROM messages_by_room WHERE room_id = ? AND bucket = ? AND seq < ? LIMIT ?`,
              [roomId, bucket, beforeSeq, limit - out.length],
              {
                prepare: true,
              },
            );
      out.push(...rs.rows.map(fromCql));
    }
    return mergeBySeq(out, pending).slice(-limit);
  }

  async deleteRoomMessages(roomId: string): Promise<void> {
    for (const bucket of await this.buckets(roomId)) {
      await this.cql.execute(`DELETE FROM messages_by_room WHERE room_id = ? AND bucket = ?`, [roomId, bucket], { prepare: true });
    }
    await this.cql.execute(`DELETE FROM room_buckets WHERE room_id = ?`, [roomId], { prepare: true });
    await this.ds.query(`DELETE FROM message_keys WHERE room_id = $1`, [roomId]);
  }
}

/** Ascending by seq, one message per seq (an outbox row and its stored copy are the same message). */
function mergeBySeq(a: Message[], b: Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of [...a, ...b]) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}
