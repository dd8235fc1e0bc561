import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An account the instance's staff disabled: when and why (null: active); sign-in is refused.
 * And when all its sessions were last ended (disabled, or "end all sessions"): access tokens
 * issued before then are refused, since a JWT cannot be revoked one by one.
 */
export class AccountDisable1796730000000 implements MigrationInterface {
  name = 'AccountDisable1796730000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE users ADD COLUMN disabled_at timestamptz, ADD COLUMN disabled_reason text, ADD COLUMN sessions_ended_at timestamptz`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN disabled_at, DROP COLUMN disabled_reason, DROP COLUMN sessions_ended_at`);
  }
}
