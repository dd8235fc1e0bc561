import type { CaseEvidence, CaseNote, CaseReport, CaseSource, CaseStatus, CaseSummary, MyReport, ReportReason } from '@qc/shared';
import type { DataSource, EntityManager } from 'typeorm';
import type { CaseListFilter, CaseRecord, CaseStore, CaseToOpen, NewReport } from '../../ports/case-store.port';
import type { AuditRecord, NewAuditEntry } from '../../ports/moderation-store.port';
import { queryRows } from './pg-rows';
import { insertAudit, toAudit, type AuditRow } from './postgres-moderation-store.adapter';

interface CaseRow {
  id: string;
  room_id: string;
  message_id: string;
  reported_user_id: string | null;
  source: CaseSource;
  status: CaseStatus;
  assignee_id: string | null;
  evidence?: CaseEvidence;
  opened_at: Date;
  updated_at: Date;
  resolved_by: string | null;
  resolution_note: string | null;
  reasons: ReportReason[] | null;
  report_count: string | number;
}

/** Each case with its reasons (most given first) and how many reported it. */
const SUMMARY = `
  SELECT c.id, c.room_id, c.message_id, c.reported_user_id, c.source, c.status, c.assignee_id, c.opened_at,
         c.updated_at, c.resolved_by, c.resolution_note,
         (SELECT array_agg(reason ORDER BY n DESC, reason)
            FROM (SELECT reason, count(*) AS n FROM case_reports r WHERE r.case_id = c.id GROUP BY reason) g) AS reasons,
         (SELECT count(*) FROM case_reports r WHERE r.case_id = c.id) AS report_count`;

const toSummary = (r: CaseRow): CaseSummary => ({
  id: r.id,
  status: r.status,
  source: r.source,
  roomId: r.room_id,
  messageId: r.message_id,
  reportedUserId: r.reported_user_id,
  assigneeId: r.assignee_id,
  reasons: r.reasons ?? [],
  reportCount: Number(r.report_count),
  openedAt: r.opened_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

const toRecord = (r: CaseRow): CaseRecord => ({
  ...toSummary(r),
  evidence: r.evidence!,
  resolvedBy: r.resolved_by,
  resolutionNote: r.resolution_note,
});

const STATUS_SETS: Record<CaseListFilter['status'], CaseStatus[]> = {
  queue: ['open', 'assigned'],
  all: ['open', 'assigned', 'actioned', 'dismissed'],
  open: ['open'],
  assigned: ['assigned'],
  actioned: ['actioned'],
  dismissed: ['dismissed'],
};

export class PostgresCaseStore implements CaseStore {
  constructor(private readonly ds: DataSource) {}

  report(open: CaseToOpen, report: NewReport | null): Promise<{ caseId: string; opened: boolean; duplicate: boolean }> {
    return this.ds.transaction(async (tx: EntityManager) => {
      // The partial unique index keeps one open case per message: of two first reports at
      // once, one inserts and the other finds its case.
      const inserted = await queryRows<{ id: string }>(
        tx,
        `INSERT INTO moderation_cases (id, room_id, message_id, reported_user_id, source, status, evidence)
         VALUES ($1, $2, $3, $4, $5, 'open', $6)
         ON CONFLICT (message_id) WHERE status IN ('open', 'assigned') DO NOTHING RETURNING id`,
        [open.id, open.roomId, open.messageId, open.reportedUserId, open.source, JSON.stringify(open.evidence)],
      );
      let caseId = inserted[0]?.id;
      const opened = caseId !== undefined;
      if (!caseId) {
        const [existing] = await queryRows<{ id: string }>(
          tx,
          `SELECT id FROM moderation_cases WHERE message_id = $1 AND status IN ('open', 'assigned') FOR UPDATE`,
          [open.messageId],
        );
        caseId = existing!.id;
      }
      if (!report) return { caseId, opened, duplicate: false };
      const filed = await queryRows<{ case_id: string }>(
        tx,
        `INSERT INTO case_reports (case_id, reporter_id, reason, note) VALUES ($1, $2, $3, $4)
         ON CONFLICT (case_id, reporter_id) DO NOTHING RETURNING case_id`,
        [caseId, report.reporterId, report.reason, report.note],
      );
      if (filed.length > 0 && !opened) await tx.query(`UPDATE moderation_cases SET updated_at = now() WHERE id = $1`, [caseId]);
      return { caseId, opened, duplicate: filed.length === 0 };
    });
  }

  async get(caseId: string): Promise<CaseRecord | null> {
    const [row] = await queryRows<CaseRow>(this.ds, `${SUMMARY}, c.evidence FROM moderation_cases c WHERE c.id = $1`, [caseId]);
    return row ? toRecord(row) : null;
  }

  async countOpen(): Promise<{ open: number; assigned: number }> {
    const rows = await queryRows<{ status: 'open' | 'assigned'; n: string }>(
      this.ds,
      `SELECT status, count(*) AS n FROM moderation_cases WHERE status IN ('open', 'assigned') GROUP BY status`,
      [],
    );
    const n = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { open: n('open'), assigned: n('assigned') };
  }

  async list(filter: CaseListFilter): Promise<CaseSummary[]> {
    const rows = await queryRows<CaseRow>(
      this.ds,
      `${SUMMARY} FROM moderation_cases c
        WHERE c.status = ANY($1) AND ($2::timestamptz IS NULL OR (c.opened_at, c.id) > ($2, $3::uuid))
        ORDER BY c.opened_at, c.id LIMIT $4`,
      [STATUS_SETS[filter.status], filter.after?.openedAt ?? null, filter.after?.id ?? null, filter.limit],
    );
    return rows.map(toSummary);
  }

  async reports(caseId: string): Promise<CaseReport[]> {
    const rows = await queryRows<{ reporter_id: string; reason: ReportReason; note: string; created_at: Date }>(
      this.ds,
      `SELECT reporter_id, reason, note, created_at FROM case_reports WHERE case_id = $1 ORDER BY created_at, reporter_id`,
      [caseId],
    );
    return rows.map((r) => ({ reporterId: r.reporter_id, reason: r.reason, note: r.note, at: r.created_at.toISOString() }));
  }

  async notes(caseId: string): Promise<CaseNote[]> {
    const rows = await queryRows<{ author_id: string; text: string; created_at: Date }>(
      this.ds,
      `SELECT author_id, text, created_at FROM case_notes WHERE case_id = $1 ORDER BY id`,
      [caseId],
    );
    return rows.map((r) => ({ authorId: r.author_id, text: r.text, at: r.created_at.toISOString() }));
  }

  async actions(caseId: string): Promise<AuditRecord[]> {
    const rows = await queryRows<AuditRow>(this.ds, `SELECT * FROM audit_log WHERE case_id = $1 ORDER BY id`, [caseId]);
    return rows.map(toAudit);
  }

  assign(caseId: string, assigneeId: string | null, audit: NewAuditEntry): Promise<CaseRecord | null> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [was] = await queryRows<{ assignee_id: string | null }>(
        tx,
        `SELECT assignee_id FROM moderation_cases WHERE id = $1 AND status IN ('open', 'assigned') FOR UPDATE`,
        [caseId],
      );
      if (!was) return null;
      await tx.query(`UPDATE moderation_cases SET assignee_id = $2, status = $3, updated_at = now() WHERE id = $1`, [
        caseId,
        assigneeId,
        assigneeId ? 'assigned' : 'open',
      ]);
      await insertAudit(tx, { ...audit, caseId, before: { assigneeId: was.assignee_id }, after: { assigneeId } });
      const [row] = await queryRows<CaseRow>(tx, `${SUMMARY}, c.evidence FROM moderation_cases c WHERE c.id = $1`, [caseId]);
      return toRecord(row!);
    });
  }

  addNote(caseId: string, note: { authorId: string; text: string }, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const found = await queryRows<{ id: string }>(tx, `UPDATE moderation_cases SET updated_at = now() WHERE id = $1 RETURNING id`, [
        caseId,
      ]);
      if (found.length === 0) return false;
      await tx.query(`INSERT INTO case_notes (case_id, author_id, text) VALUES ($1, $2, $3)`, [caseId, note.authorId, note.text]);
      await insertAudit(tx, { ...audit, caseId, after: { note: note.text } });
      return true;
    });
  }

  resolve(
    caseId: string,
    outcome: 'actioned' | 'dismissed',
    by: string,
    note: string,
    audit: NewAuditEntry | null,
  ): Promise<{ reporters: string[] } | null> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const closed = await queryRows<{ id: string }>(
        tx,
        `UPDATE moderation_cases SET status = $2, resolved_by = $3, resolution_note = $4, updated_at = now()
          WHERE id = $1 AND status IN ('open', 'assigned') RETURNING id`,
        [caseId, outcome, by, note],
      );
      if (closed.length === 0) return null;
      if (audit) await insertAudit(tx, { ...audit, caseId });
      const reporters = await queryRows<{ reporter_id: string }>(tx, `SELECT reporter_id FROM case_reports WHERE case_id = $1`, [caseId]);
      return { reporters: reporters.map((r) => r.reporter_id) };
    });
  }

  async mine(reporterId: string, limit: number): Promise<MyReport[]> {
    const rows = await queryRows<{
      case_id: string;
      room_id: string;
      message_id: string;
      reason: ReportReason;
      created_at: Date;
      status: CaseStatus;
    }>(
      this.ds,
      `SELECT r.case_id, c.room_id, c.message_id, r.reason, r.created_at, c.status
         FROM case_reports r JOIN moderation_cases c ON c.id = r.case_id
        WHERE r.reporter_id = $1 ORDER BY r.created_at DESC LIMIT $2`,
      [reporterId, limit],
    );
    return rows.map((r) => ({
      caseId: r.case_id,
      roomId: r.room_id,
      messageId: r.message_id,
      reason: r.reason,
      at: r.created_at.toISOString(),
      outcome: r.status === 'actioned' || r.status === 'dismissed' ? r.status : 'pending',
    }));
  }
}
