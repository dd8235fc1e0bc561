import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Word rules, the instance's (room_id null) and each room's: a list of words or a pattern,
 * and whether a message meeting it is blocked or flagged. Held in memory by every api node;
 * this table is where they are kept and read back from at start and on each change.
 */
export class WordRules1796710000000 implements MigrationInterface {
  name = 'WordRules1796710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE word_rules (
        id          uuid PRIMARY KEY,
        room_id     uuid REFERENCES rooms(id) ON DELETE CASCADE,
        name        text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('words', 'pattern')),
        pattern     text NOT NULL,
        action      text NOT NULL CHECK (action IN ('block', 'flag')),
        created_by  uuid NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX word_rules_room ON word_rules (room_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE word_rules`);
  }
}
