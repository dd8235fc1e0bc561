import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For history in Cassandra: PostgreSQL keeps what must be transactional with the room's
 * seq counter — the idempotency key of every message and, until Cassandra has it, the
 * message itself (an outbox). `stored` turns true (and the body is dropped) once
 * Cassandra confirmed the write.
 */
export class MessageKeys1763900000000 implements MigrationInterface {
  name = 'MessageKeys1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_keys (
        room_id       uuid NOT NULL,
        sender_id     uuid NOT NULL,
        client_msg_id text NOT NULL,
        seq           bigint NOT NULL,
        bucket        int NOT NULL,
        id            uuid NOT NULL,
        created_at    timestamptz NOT NULL,
        stored        boolean NOT NULL DEFAULT false,
        content       text,
        content_type  text,
        reply_to      uuid,
        PRIMARY KEY (room_id, sender_id, client_msg_id),
        CONSTRAINT message_keys_room_seq_key UNIQUE (room_id, seq)
      )`);
    await q.query(`CREATE INDEX message_keys_unstored_idx ON message_keys (room_id, seq) WHERE NOT stored`);
    // The Cassandra day bucket of the room's newest message. A new message's bucket is the
    // later of its own day and this, so buckets never go back as seqs go up, whatever the
    // clocks of the api nodes say around midnight.
    await q.query(`ALTER TABLE rooms ADD COLUMN history_bucket int NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms DROP COLUMN history_bucket`);
    await q.query(`DROP TABLE message_keys`);
  }
}
