import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over the history (PostgresSearchIndex): a generated tsvector, kept in
 * step with `content` by PostgreSQL itself, and a GIN index on it. The 'simple'
 * configuration (no stemming, no stop words) because messages are in any language.
 *
 * Adding a STORED generated column rewrites the table under an exclusive lock: instant on
 * the embedded profile's history, a maintenance window on a large one.
 */
export class MessageSearch1795430000000 implements MigrationInterface {
  name = 'MessageSearch1795430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE messages ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, content)) STORED`,
    );
    await q.query(`CREATE INDEX messages_content_tsv_idx ON messages USING GIN (content_tsv)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_content_tsv_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN content_tsv`);
  }
}
