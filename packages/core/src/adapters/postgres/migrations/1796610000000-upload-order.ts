import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message's files in the order its sender put them (`attachmentIds`), not the order they
 * finished uploading: `position` is the file's place in the send, set when it is attached.
 * Files attached before this existed have none and keep their upload order.
 */
export class UploadOrder1796610000000 implements MigrationInterface {
  name = 'UploadOrder1796610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads ADD COLUMN position smallint CHECK (position >= 1)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE uploads DROP COLUMN position`);
  }
}
