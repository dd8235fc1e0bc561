import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A group or channel archived by the instance's staff: kept to read, nobody posts, not in the directory. */
export class RoomArchive1796770000000 implements MigrationInterface {
  name = 'RoomArchive1796770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms ADD COLUMN archived_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms DROP COLUMN archived_at`);
  }
}
