import type { CaseEvidence, CaseNote, CaseReport, CaseSource, CaseStatus, CaseSummary, MyReport, ReportReason } from '@qc/shared';
import type { AuditRecord, NewAuditEntry } from './moderation-store.port';

export interface NewReport {
  reporterId: string;
  reason: ReportReason;
  note: string;
}

/** A case to open if the message has none open; its evidence is only stored when it does open. */
export interface CaseToOpen {
  id: string;
  roomId: string;
  messageId: string;
  reportedUserId: string | null;
  source: CaseSource;
  evidence: CaseEvidence;
}

export interface CaseRecord extends CaseSummary {
  evidence: CaseEvidence;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

export interface CaseListFilter {
  /** 'queue' is open and assigned together. */
  status: CaseStatus | 'queue' | 'all';
  /** After this (openedAt ms, id) position, oldest first. */
  after: { openedAt: Date; id: string } | null;
  limit: number;
}

/**
 * Reports as cases, in PostgreSQL in both profiles. A report and the case it opens or joins
 * are written together; a status change and its audit entry are written together.
 */
export interface CaseStore {
  /**
   * Files a report: on the message's open case if it has one, else on `open` (a new case).
   * The same reporter reporting again changes nothing. Answers the case's id and whether it
   * was opened now.
   */
  report(open: CaseToOpen, report: NewReport | null): Promise<{ caseId: string; opened: boolean; duplicate: boolean }>;
  get(caseId: string): Promise<CaseRecord | null>;
  /** The queue's size: cases waiting for someone (open) and being worked (assigned). */
  countOpen(): Promise<{ open: number; assigned: number }>;
  list(filter: CaseListFilter): Promise<CaseSummary[]>;
  reports(caseId: string): Promise<CaseReport[]>;
  notes(caseId: string): Promise<CaseNote[]>;
  /** Audit entries naming this case, oldest first. */
  actions(caseId: string): Promise<AuditRecord[]>;
  /** Sets the assignee (null: back to the queue) of a case still open; null when it is not (closed, or none). */
  assign(caseId: string, assigneeId: string | null, audit: NewAuditEntry): Promise<CaseRecord | null>;
  addNote(caseId: string, note: { authorId: string; text: string }, audit: NewAuditEntry): Promise<boolean>;
  /**
   * Closes an open case as actioned or dismissed (with its audit entry when given: a dismissal;
   * an action wrote its own). Null when it was already closed.
   */
  resolve(
    caseId: string,
    outcome: 'actioned' | 'dismissed',
    by: string,
    note: string,
    audit: NewAuditEntry | null,
  ): Promise<{ reporters: string[] } | null>;
  /** What one person reported, newest first, with how each ended. */
  mine(reporterId: string, limit: number): Promise<MyReport[]>;
}
