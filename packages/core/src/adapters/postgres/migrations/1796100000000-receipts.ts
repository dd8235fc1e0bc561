import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delivery receipts: a second pointer beside `read_seq` on the member's row, so receipts
 * cost O(members) per room whatever the history length (never a row per reader per message).
 * A constant default adds the column without rewriting the table.
 */
export class Receipts1796100000000 implements MigrationInterface {
  name = 'Receipts1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE room_members ADD COLUMN delivered_seq bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE room_members DROP COLUMN delivered_seq`);
  }
}
