import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's IANA time zone, so others see their local time on their profile card. Nullable
 * with no default: adding it rewrites nothing, and people who never said have none.
 */
export class UserTimeZone1796270000000 implements MigrationInterface {
  name = 'UserTimeZone1796270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN time_zone text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users DROP COLUMN time_zone`);
  }
}
