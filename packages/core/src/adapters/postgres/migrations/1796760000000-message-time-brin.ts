import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * BRIN indexes on when messages were sent (both history tables), for the dashboard's
 * messages per minute: rows arrive in time order, so a block range summary finds the last
 * hour in a few pages, and keeping it costs an insert almost nothing (unlike a B-tree).
 */
export class MessageTimeBrin1796760000000 implements MigrationInterface {
  name = 'MessageTimeBrin1796760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_created_brin ON messages USING BRIN (created_at)`);
    await q.query(`CREATE INDEX message_keys_created_brin ON message_keys USING BRIN (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX message_keys_created_brin`);
    await q.query(`DROP INDEX messages_created_brin`);
  }
}
