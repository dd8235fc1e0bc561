import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The instance's settings that its staff change at /admin (today: the spam rules), one row
 * per setting as JSON; a missing row is the default written in code.
 */
export class InstanceSettings1796750000000 implements MigrationInterface {
  name = 'InstanceSettings1796750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE instance_settings (
        key         text PRIMARY KEY,
        value       jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  uuid
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE instance_settings`);
  }
}
