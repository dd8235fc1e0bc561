import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A room's pace, set by its staff: slow mode (seconds between one member's messages; 0 off) and a read-only lock. */
export class RoomPace1796740000000 implements MigrationInterface {
  name = 'RoomPace1796740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE rooms
        ADD COLUMN slow_mode_seconds integer NOT NULL DEFAULT 0 CHECK (slow_mode_seconds BETWEEN 0 AND 21600),
        ADD COLUMN read_only boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms DROP COLUMN slow_mode_seconds, DROP COLUMN read_only`);
  }
}
