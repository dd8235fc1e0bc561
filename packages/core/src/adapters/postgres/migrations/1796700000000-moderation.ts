import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Moderation:
 *  - users.instance_role: the instance's staff (admin, moderator); null for everyone else.
 *  - room_members.role gains `moderator`; a member's timed mute (`silenced_until`, its
 *    reason) sits on their membership (`muted_until` is their own notification mute).
 *  - room_bans: who is kept out of a room (no rejoin, no invite) until when (null: until lifted).
 *  - audit_log: every moderation and admin action, append-only. No foreign keys (an entry
 *    outlives the room or message it names), and a trigger refuses UPDATE, DELETE and
 *    TRUNCATE whoever asks, so no code path and no stray query can rewrite history.
 */
export class Moderation1796700000000 implements MigrationInterface {
  name = 'Moderation1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN instance_role text CHECK (instance_role IN ('admin', 'moderator'))`);
    await q.query(`ALTER TABLE room_members DROP CONSTRAINT room_members_role_check`);
    await q.query(
      `ALTER TABLE room_members ADD CONSTRAINT room_members_role_check CHECK (role IN ('owner', 'admin', 'moderator', 'member'))`,
    );
    await q.query(`ALTER TABLE room_members ADD COLUMN silenced_until timestamptz, ADD COLUMN silence_reason text`);
    await q.query(`
      CREATE TABLE room_bans (
        room_id     uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id     uuid NOT NULL REFERENCES users(id),
        until       timestamptz,
        reason      text NOT NULL,
        banned_by   uuid NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (room_id, user_id)
      )`);
    await q.query(`
      CREATE TABLE audit_log (
        id              bigserial PRIMARY KEY,
        at              timestamptz NOT NULL DEFAULT now(),
        actor_id        uuid,
        action          text NOT NULL,
        target_user_id  uuid,
        room_id         uuid,
        message_id      uuid,
        reason          text,
        before          jsonb,
        after           jsonb
      )`);
    await q.query(`CREATE INDEX audit_log_actor ON audit_log (actor_id, id)`);
    await q.query(`CREATE INDEX audit_log_target ON audit_log (target_user_id, id)`);
    await q.query(`CREATE INDEX audit_log_room ON audit_log (room_id, id)`);
    await q.query(`CREATE INDEX audit_log_at ON audit_log (at)`);
    await q.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await q.query(
      `CREATE TRIGGER audit_log_no_rewrite BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP FUNCTION audit_log_append_only()`);
    await q.query(`DROP TABLE room_bans`);
    await q.query(`ALTER TABLE room_members DROP COLUMN silenced_until, DROP COLUMN silence_reason`);
    await q.query(`UPDATE room_members SET role = 'member' WHERE role = 'moderator'`);
    await q.query(`ALTER TABLE room_members DROP CONSTRAINT room_members_role_check`);
    await q.query(`ALTER TABLE room_members ADD CONSTRAINT room_members_role_check CHECK (role IN ('owner', 'admin', 'member'))`);
    await q.query(`ALTER TABLE users DROP COLUMN instance_role`);
  }
}
