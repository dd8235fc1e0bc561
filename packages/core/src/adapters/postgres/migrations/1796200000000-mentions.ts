import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mentions (issue #12): one row per person a message mentions, written by the same statement
 * that commits the message, so the "@" count of a room is what is unread and mentions you:
 * rows with seq above your read marker. A row with no user is `@channel` (everyone in the
 * room). Thread participants count as mentioned by a reply in their thread, so the thread's
 * repliers are kept beside each link (`message_threads.sender_id`), filled in for the
 * threads there are from whichever table holds the history.
 *
 * Also per member: how loudly the room may tell them (all / mentions / none), and a mute
 * until a time, on their room_members row so every device reads the same. No level set
 * means the room kind's default (a channel: mentions; a DM or a group: all), as in Slack.
 */
export class Mentions1796200000000 implements MigrationInterface {
  name = 'Mentions1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_mentions (
        room_id uuid NOT NULL,
        seq bigint NOT NULL,
        user_id uuid
      )`);
    await q.query(`CREATE INDEX message_mentions_user_idx ON message_mentions (room_id, user_id, seq) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX message_mentions_everyone_idx ON message_mentions (room_id, seq) WHERE user_id IS NULL`);
    await q.query(`ALTER TABLE message_threads ADD COLUMN sender_id uuid`);
    await q.query(`UPDATE message_threads t SET sender_id = m.sender_id FROM messages m WHERE m.id = t.message_id`);
    await q.query(
      `UPDATE message_threads t SET sender_id = k.sender_id FROM message_keys k WHERE k.id = t.message_id AND t.sender_id IS NULL`,
    );
    await q.query(`ALTER TABLE room_members ADD COLUMN notify_level text`);
    await q.query(`ALTER TABLE room_members ADD COLUMN muted_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE room_members DROP COLUMN muted_until`);
    await q.query(`ALTER TABLE room_members DROP COLUMN notify_level`);
    await q.query(`ALTER TABLE message_threads DROP COLUMN sender_id`);
    await q.query(`DROP TABLE message_mentions`);
  }
}
