import { z } from 'zod';
import { moderationReason, type AuditEntry } from './moderation';
import type { Message } from './schemas';
import { userText, uuid } from './text';

/*
 * Reports as cases: a member reports a message with a reason; a case opens for that message
 * with an evidence snapshot frozen at that moment (the message, its earlier versions, ten
 * messages before and after, the reporter's note), kept when the message is later edited or
 * deleted. Further reports of the same message join its open case. Staff work the queue:
 * assign, annotate, act (mute, remove, ban, delete the message) or dismiss; the reporters are
 * told the outcome.
 */

export const REPORT_REASONS = ['spam', 'harassment', 'hate', 'sexual', 'violence', 'self-harm', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** `POST /rooms/:roomId/messages/:messageId/report`. */
export const reportBody = z
  .object({
    reason: z.enum(REPORT_REASONS),
    /** What the moderators should know (optional). */
    note: userText({ min: 0, max: 1000, multiline: true }).default(''),
  })
  .strict();
export type ReportBody = z.input<typeof reportBody>;

export const CASE_STATUSES = ['open', 'assigned', 'actioned', 'dismissed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseSource = 'report' | 'rule';

/** What the moderators saw, as it was when the case opened. */
export interface CaseEvidence {
  takenAt: string;
  /** The reported message as it was (a later edit or delete does not reach it). */
  message: Message;
  /** Its text before each edit, oldest first (the current text is the message's). */
  earlierVersions: { content: string; at: string }[];
  /** Up to ten messages before it and ten after it, oldest first, as they were. */
  before: Message[];
  after: Message[];
  /** For a case a word rule opened: the rules it met. */
  rules?: { name: string; matched: string }[];
}

export interface CaseSummary {
  id: string;
  status: CaseStatus;
  source: CaseSource;
  roomId: string;
  messageId: string;
  reportedUserId: string | null;
  assigneeId: string | null;
  /** Reasons given, each once, most given first. */
  reasons: ReportReason[];
  reportCount: number;
  openedAt: string;
  updatedAt: string;
}

export interface CaseReport {
  reporterId: string;
  reason: ReportReason;
  note: string;
  at: string;
}

export interface CaseNote {
  authorId: string;
  text: string;
  at: string;
}

/** A person or room named in a case, so the dashboard shows names, not ids. */
export interface CasePeople {
  users: Record<string, { username: string; displayName: string }>;
  rooms: Record<string, { name: string | null; kind: string }>;
}

export interface CaseDetail extends CaseSummary {
  evidence: CaseEvidence;
  reports: CaseReport[];
  notes: CaseNote[];
  /** Moderation actions taken from this case (audit log entries), oldest first. */
  actions: AuditEntry[];
  resolution: { outcome: 'actioned' | 'dismissed'; by: string; note: string; at: string } | null;
  people: CasePeople;
}

/** `GET /admin/cases`: by status (default: the open queue, open and assigned), oldest first for the queue. */
export const caseListQuery = z
  .object({
    status: z.enum([...CASE_STATUSES, 'queue', 'all']).default('queue'),
    cursor: z
      .string()
      .regex(/^\d{13}:[0-9a-f-]{36}$/i, 'cursor is the last page’s nextCursor')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type CaseListQuery = z.infer<typeof caseListQuery>;

export interface CasePage {
  cases: CaseSummary[];
  people: CasePeople;
  nextCursor: string | null;
}

/** `PUT /admin/cases/:caseId/assignee`: to a staff member, or back to the queue (null). */
export const caseAssignBody = z.object({ assigneeId: uuid.nullable() }).strict();
export const caseNoteBody = z.object({ text: userText({ min: 1, max: 2000, multiline: true }) }).strict();

export const CASE_ACTIONS = ['mute', 'kick', 'ban', 'delete-message', 'dismiss'] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** `POST /admin/cases/:caseId/actions`: one click with a reason; `minutes` for a mute (required) or a ban (none: until lifted). */
export const caseActionBody = z
  .object({
    action: z.enum(CASE_ACTIONS),
    reason: moderationReason,
    minutes: z
      .number()
      .int()
      .min(1)
      .max(366 * 24 * 60)
      .optional(),
  })
  .strict()
  .refine((b) => b.action !== 'mute' || b.minutes !== undefined, { message: 'minutes is required for a mute', path: ['minutes'] });
export type CaseActionBody = z.infer<typeof caseActionBody>;

/** What a reporter is told, live (`report:outcome`) and in `GET /reports/mine`. */
export interface MyReport {
  caseId: string;
  roomId: string;
  messageId: string;
  reason: ReportReason;
  at: string;
  /** 'pending' while the case is open or assigned. */
  outcome: 'pending' | 'actioned' | 'dismissed';
}
