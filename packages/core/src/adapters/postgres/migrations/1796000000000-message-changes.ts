import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The room stream beyond new messages. History stays append-only (PostgreSQL or Cassandra,
 * written once); what changes about a message since is kept here, in PostgreSQL for both
 * profiles, beside the room's seq counter it must be transactional with:
 *  - message_changes: one row per change, at the room's next seq (edit, delete, reaction
 *    added or removed, pinned or unpinned, a thread reply counted on its root). Catch-up reads it after a seq; an edit's row keeps that version's
 *    text, so earlier versions stay for moderators though members only see the latest.
 *  - message_states: a message's current overlay (edited text, tombstone, pin, version), read
 *    with history by message id. content_tsv lets full-text search find edited text.
 *  - message_reactions: who reacted with what; counted per message when read.
 *  - message_threads: which thread a reply is in, by seq, for the thread panel.
 */
export class MessageChanges1796000000000 implements MigrationInterface {
  name = 'MessageChanges1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_changes (
        room_id     uuid NOT NULL,
        seq         bigint NOT NULL,
        message_id  uuid NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('edit','delete','reaction_add','reaction_remove','pin','unpin','thread_reply')),
        actor_id    uuid NOT NULL,
        content     text,
        emoji       text,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (room_id, seq)
      )`);
    await q.query(`CREATE INDEX message_changes_message_idx ON message_changes (message_id, seq)`);
    await q.query(`
      CREATE TABLE message_states (
        message_id  uuid PRIMARY KEY,
        room_id     uuid NOT NULL,
        content     text,
        edited_at   timestamptz,
        deleted_at  timestamptz,
        deleted_by  uuid,
        pinned_at   timestamptz,
        pinned_by   uuid,
        reply_count int NOT NULL DEFAULT 0,
        last_reply_at timestamptz,
        version     bigint NOT NULL,
        content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(content, ''))) STORED
      )`);
    await q.query(`CREATE INDEX message_states_room_idx ON message_states (room_id)`);
    await q.query(`CREATE INDEX message_states_pinned_idx ON message_states (room_id, pinned_at DESC) WHERE pinned_at IS NOT NULL`);
    await q.query(`CREATE INDEX message_states_content_tsv_idx ON message_states USING GIN (content_tsv)`);
    await q.query(`
      CREATE TABLE message_reactions (
        message_id  uuid NOT NULL,
        emoji       text NOT NULL,
        user_id     uuid NOT NULL,
        room_id     uuid NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (message_id, emoji, user_id)
      )`);
    await q.query(`CREATE INDEX message_reactions_room_idx ON message_reactions (room_id)`);
    // Which thread a message is in (a message of the main timeline has no row), by seq within it.
    await q.query(`
      CREATE TABLE message_threads (
        message_id  uuid PRIMARY KEY,
        room_id     uuid NOT NULL,
        root_id     uuid NOT NULL,
        seq         bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX message_threads_root_idx ON message_threads (root_id, seq)`);
    await q.query(`CREATE INDEX message_threads_room_idx ON message_threads (room_id)`);
    // A change names its message by id; with history in Cassandra the key row finds it.
    await q.query(`CREATE INDEX message_keys_id_idx ON message_keys (room_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX message_keys_id_idx`);
    await q.query(`DROP TABLE message_threads`);
    await q.query(`DROP TABLE message_reactions`);
    await q.query(`DROP TABLE message_states`);
    await q.query(`DROP TABLE message_changes`);
  }
}
