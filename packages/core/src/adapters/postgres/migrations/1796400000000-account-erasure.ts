import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Your data": exporting an account's data and erasing the account.
 *  - users.deleted_at: an erased account stays as a tombstone row, because rooms.created_by,
 *    messages and mentions name it by id; its username, name, avatar and password hash are
 *    overwritten, so nothing of the person is left in it.
 *  - Indexes that find one person's rows without scanning everyone's: their messages (in
 *    either profile's history table), their reactions, their pins and their sessions. The
 *    message indexes follow the export's order, (room, seq), so it pages by keyset.
 *
 * Building an index over `messages` locks out writes to it while it builds: instant on the
 * embedded profile's history, a maintenance window on a large one (as the search migration).
 */
export class AccountErasure1796400000000 implements MigrationInterface {
  name = 'AccountErasure1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN deleted_at timestamptz`);
    await q.query(`CREATE INDEX messages_sender_idx ON messages (sender_id, room_id, seq)`);
    await q.query(`CREATE INDEX message_keys_sender_idx ON message_keys (sender_id, room_id, seq)`);
    await q.query(`CREATE INDEX message_reactions_user_idx ON message_reactions (user_id, message_id, emoji)`);
    await q.query(`CREATE INDEX message_states_pinned_by_idx ON message_states (pinned_by) WHERE pinned_at IS NOT NULL`);
    await q.query(`CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX refresh_tokens_user_idx`);
    await q.query(`DROP INDEX message_states_pinned_by_idx`);
    await q.query(`DROP INDEX message_reactions_user_idx`);
    await q.query(`DROP INDEX message_keys_sender_idx`);
    await q.query(`DROP INDEX messages_sender_idx`);
    await q.query(`ALTER TABLE users DROP COLUMN deleted_at`);
  }
}
