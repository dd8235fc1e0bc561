import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reports as cases. A case is one message under review: its evidence (the message, its
 * earlier versions and ten messages each side, frozen as JSON when the case opened, so a
 * later edit or delete does not reach it), its reports (one per reporter), the staff's notes,
 * and how it ended. At most one case per message is open at a time (a partial unique index):
 * further reports join it. Cases name their room without a foreign key, so a deleted room's
 * cases stay readable. The audit log gains the case an action was taken from.
 */
export class Cases1796720000000 implements MigrationInterface {
  name = 'Cases1796720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE moderation_cases (
        id                uuid PRIMARY KEY,
        room_id           uuid NOT NULL,
        message_id        uuid NOT NULL,
        reported_user_id  uuid REFERENCES users(id) ON DELETE SET NULL,
        source            text NOT NULL CHECK (source IN ('report', 'rule')),
        status            text NOT NULL CHECK (status IN ('open', 'assigned', 'actioned', 'dismissed')),
        assignee_id       uuid REFERENCES users(id) ON DELETE SET NULL,
        evidence          jsonb NOT NULL,
        -- Milliseconds, as the queue's cursor carries it (a JavaScript Date) back exactly.
        opened_at         timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        resolved_by       uuid,
        resolution_note   text
      )`);
    await q.query(`CREATE UNIQUE INDEX moderation_cases_one_open ON moderation_cases (message_id) WHERE status IN ('open', 'assigned')`);
    await q.query(`CREATE INDEX moderation_cases_queue ON moderation_cases (status, opened_at, id)`);
    await q.query(`
      CREATE TABLE case_reports (
        case_id      uuid NOT NULL REFERENCES moderation_cases(id) ON DELETE CASCADE,
        reporter_id  uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        reason       text NOT NULL,
        note         text NOT NULL DEFAULT '',
        created_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (case_id, reporter_id)
      )`);
    await q.query(`CREATE INDEX case_reports_by_reporter ON case_reports (reporter_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE case_notes (
        id          bigserial PRIMARY KEY,
        case_id     uuid NOT NULL REFERENCES moderation_cases(id) ON DELETE CASCADE,
        author_id   uuid NOT NULL,
        text        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX case_notes_case ON case_notes (case_id, id)`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN case_id uuid`);
    await q.query(`CREATE INDEX audit_log_case ON audit_log (case_id) WHERE case_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log DROP COLUMN case_id`);
    await q.query(`DROP TABLE case_notes`);
    await q.query(`DROP TABLE case_reports`);
    await q.query(`DROP TABLE moderation_cases`);
  }
}
