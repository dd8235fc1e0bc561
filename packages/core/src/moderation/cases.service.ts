import type {
  CaseActionBody,
  CaseDetail,
  CaseEvidence,
  CaseListQuery,
  CasePage,
  CasePeople,
  CaseSummary,
  Message,
  MyReport,
  ReportBody,
} from '@qc/shared';
import { AppError } from '../errors';
import { namesFor } from './names';
import { uuidv7 } from '../lib/uuidv7';
import type { CaseRecord, CaseStore } from '../ports/case-store.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { MessageStore } from '../ports/message-store.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { RoomsService } from '../services/rooms.service';
import type { MessageActionsService } from '../services/message-actions.service';
import { toAuditEntry, type ModerationService } from './moderation.service';

/** Messages either side of the reported one kept in the evidence. */
export const EVIDENCE_CONTEXT = 10;

export interface CaseEffects {
  /** Tells a reporter's devices how their report ended. */
  tellOutcome(reporterId: string, report: MyReport): void;
}

/**
 * Reports as cases (DESIGN.md "Moderation"). A member reports a message of a room they are
 * in; the first report opens a case with the evidence frozen then, later ones join it. The
 * instance's staff read the queue, assign, annotate, and act: a mute, removal, ban or delete
 * goes through ModerationService / MessageActionsService (so the same policy decides it) with
 * the case named in its audit entry, and closes the case as actioned; a dismissal closes it
 * too. Each reporter is then told the outcome, live and in their list of reports.
 */
export class CasesService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly store: CaseStore,
    private readonly history: Pick<MessageStore, 'findByIds' | 'listBefore' | 'listAfter'>,
    private readonly states: Pick<MessageStateStore, 'overlay' | 'listEdits'>,
    private readonly rooms: Pick<RoomsService, 'requireMember'>,
    private readonly moderation: ModerationService,
    private readonly messageActions: Pick<MessageActionsService, 'deleteFromCase'>,
    private readonly effects: CaseEffects,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A member reports a message of their room: a case opens, or the message's open case gains the report. */
  async report(reporterId: string, roomId: string, messageId: string, body: ReportBody): Promise<MyReport> {
    await this.rooms.requireMember(roomId, reporterId);
    const message = await this.current(roomId, messageId);
    if (!message || message.deletedAt) throw AppError.notFound('message');
    if (message.senderId === reporterId) throw AppError.validation('you cannot report your own message');
    const evidence = await this.evidence(message);
    const filed = await this.store.report(
      { id: uuidv7(), roomId, messageId, reportedUserId: message.senderId, source: 'report', evidence },
      { reporterId, reason: body.reason, note: body.note ?? '' },
    );
    return { caseId: filed.caseId, roomId, messageId, reason: body.reason, at: this.now().toISOString(), outcome: 'pending' };
  }

  /** A message a flagging word rule met: a case opens for the moderators (no reporter), or joins the open one. */
  async flagged(message: Message, rules: { name: string; matched: string }[]): Promise<void> {
    const evidence = { ...(await this.evidence(message)), rules };
    await this.store.report(
      { id: uuidv7(), roomId: message.roomId, messageId: message.id, reportedUserId: message.senderId, source: 'rule', evidence },
      null,
    );
  }

  /** What I reported, newest first, and how each ended. */
  mine(reporterId: string): Promise<MyReport[]> {
    return this.store.mine(reporterId, 100);
  }

  async list(actorId: string, q: CaseListQuery): Promise<CasePage> {
    await this.moderation.requireStaff(actorId);
    const [ms, id] = q.cursor?.split(':') ?? [];
    const rows = await this.store.list({
      status: q.status,
      after: ms && id ? { openedAt: new Date(Number(ms)), id } : null,
      limit: q.limit + 1,
    });
    const cases = rows.slice(0, q.limit);
    const last = cases.at(-1);
    return {
      cases,
      people: await this.people(cases),
      nextCursor: rows.length > q.limit && last ? `${new Date(last.openedAt).getTime()}:${last.id}` : null,
    };
  }

  async get(actorId: string, caseId: string): Promise<CaseDetail> {
    await this.moderation.requireStaff(actorId);
    const record = await this.store.get(caseId);
    if (!record) throw AppError.notFound('case');
    return this.detail(record);
  }

  /** To a staff member (the actor themself, usually), or back to the queue. */
  async assign(actorId: string, caseId: string, assigneeId: string | null): Promise<CaseDetail> {
    await this.moderation.requireStaff(actorId);
    if (assigneeId) {
      const assignee = await this.meta.findUserById(assigneeId);
      if (!assignee || assignee.deletedAt || !assignee.instanceRole)
        throw AppError.validation('assigneeId: cases go to the instance’s admins and moderators');
    }
    const record = await this.store.assign(caseId, assigneeId, { actorId, action: 'case.assign', targetUserId: assigneeId });
    if (!record) throw await this.closedOrMissing(caseId);
    return this.detail(record);
  }

  async note(actorId: string, caseId: string, text: string): Promise<CaseDetail> {
    await this.moderation.requireStaff(actorId);
    if (!(await this.store.addNote(caseId, { authorId: actorId, text }, { actorId, action: 'case.note' }))) throw AppError.notFound('case');
    return this.get(actorId, caseId);
  }

  /** One click from the case page: the action on the reported person or message (or a dismissal), then the case closes and the reporters are told. */
  async act(actorId: string, caseId: string, body: CaseActionBody): Promise<CaseDetail> {
    await this.moderation.requireStaff(actorId);
    const record = await this.store.get(caseId);
    if (!record) throw AppError.notFound('case');
    if (record.status === 'actioned' || record.status === 'dismissed') throw AppError.conflict(`this case is already ${record.status}`);
    const target = record.reportedUserId;
    if (body.action !== 'dismiss' && body.action !== 'delete-message' && !target) {
      throw AppError.conflict('the reported account no longer exists: delete the message or dismiss the case');
    }
    switch (body.action) {
      case 'mute':
        await this.moderation.mute(actorId, record.roomId, target!, { minutes: body.minutes!, reason: body.reason }, caseId);
        break;
      case 'kick':
        await this.moderation.kick(actorId, record.roomId, target!, { reason: body.reason }, caseId);
        break;
      case 'ban':
        await this.moderation.ban(
          actorId,
          record.roomId,
          target!,
          { reason: body.reason, ...(body.minutes ? { minutes: body.minutes } : {}) },
          caseId,
        );
        break;
      case 'delete-message':
        await this.messageActions.deleteFromCase(actorId, { roomId: record.roomId, messageId: record.messageId }, caseId);
        break;
      case 'dismiss':
        break;
    }
    const outcome = body.action === 'dismiss' ? 'dismissed' : 'actioned';
    const closed = await this.store.resolve(
      caseId,
      outcome,
      actorId,
      body.reason,
      outcome === 'dismissed'
        ? { actorId, action: 'case.dismiss', targetUserId: target, roomId: record.roomId, messageId: record.messageId, reason: body.reason }
        : null,
    );
    // Closed meanwhile by someone else: their outcome stands, and the reporters were told then.
    if (closed) {
      for (const reporterId of closed.reporters) {
        for (const report of (await this.store.mine(reporterId, 100)).filter((r) => r.caseId === caseId)) {
          this.effects.tellOutcome(reporterId, report);
        }
      }
    }
    return this.get(actorId, caseId);
  }

  private async closedOrMissing(caseId: string): Promise<AppError> {
    const record = await this.store.get(caseId);
    return record ? AppError.conflict(`this case is already ${record.status}`) : AppError.notFound('case');
  }

  private async current(roomId: string, messageId: string): Promise<Message | null> {
    const [original] = await this.history.findByIds(roomId, [messageId]);
    if (!original) return null;
    const [now] = await this.states.overlay([original]);
    return now ?? null;
  }

  /** The message as it is now, what it said before each edit, and ten messages each side as they are now. */
  private async evidence(message: Message): Promise<CaseEvidence> {
    const [[original], edits, beforeRows, afterRows] = await Promise.all([
      this.history.findByIds(message.roomId, [message.id]),
      this.states.listEdits([message.id]),
      this.history.listBefore(message.roomId, message.seq, EVIDENCE_CONTEXT),
      this.history.listAfter(message.roomId, message.seq, EVIDENCE_CONTEXT),
    ]);
    const versions = [
      ...(original ? [{ content: original.content, at: original.createdAt }] : []),
      ...edits.map((e) => ({ content: e.content, at: e.at.toISOString() })),
    ];
    const [before, after] = await Promise.all([this.states.overlay(beforeRows), this.states.overlay(afterRows)]);
    return {
      takenAt: this.now().toISOString(),
      message,
      earlierVersions: versions.slice(0, -1),
      before: before.sort((a, b) => a.seq - b.seq),
      after: after.sort((a, b) => a.seq - b.seq),
    };
  }

  private async detail(record: CaseRecord): Promise<CaseDetail> {
    const [reports, notes, actions] = await Promise.all([
      this.store.reports(record.id),
      this.store.notes(record.id),
      this.store.actions(record.id),
    ]);
    const { evidence, resolvedBy, resolutionNote, ...summary } = record;
    const closed = summary.status === 'actioned' || summary.status === 'dismissed';
    const extraUsers = [
      ...reports.map((r) => r.reporterId),
      ...notes.map((n) => n.authorId),
      ...actions.flatMap((a) => [a.actorId, a.targetUserId]),
      ...[...evidence.before, evidence.message, ...evidence.after].map((m) => m.senderId),
      resolvedBy,
    ];
    return {
      ...summary,
      evidence,
      reports,
      notes,
      actions: actions.map(toAuditEntry),
      resolution:
        closed && resolvedBy
          ? { outcome: summary.status as 'actioned' | 'dismissed', by: resolvedBy, note: resolutionNote ?? '', at: summary.updatedAt }
          : null,
      people: await this.people([summary], extraUsers),
    };
  }

  /** Names for the ids a page shows (people and rooms), looked up once. */
  private people(cases: CaseSummary[], more: (string | null)[] = []): Promise<CasePeople> {
    return namesFor(
      this.meta,
      [...cases.flatMap((c) => [c.reportedUserId, c.assigneeId]), ...more],
      cases.map((c) => c.roomId),
    );
  }
}
