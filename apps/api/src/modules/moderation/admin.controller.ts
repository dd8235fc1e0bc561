import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import {
  adminUserQuery,
  type AdminOverview,
  type AdminPersonDetail,
  type AdminUser,
  auditQuery,
  INSTANCE_ROLES,
  moderationReason,
  ruleTestBody,
  uuid,
  wordRuleBody,
  type AuditEntry,
  type AuditPage,
  type AuditQuery,
  type RuleTestBody,
  type RuleTestResult,
  type WordRule,
  type WordRuleBody,
} from '@qc/shared';
import { AdminOverviewService, ModerationService, PersonProfileService, WordRulesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/** `PUT /admin/users/:userId/role`: make someone an admin or moderator, or neither (null). */
const roleBody = z.object({ role: z.enum(INSTANCE_ROLES).nullable(), reason: moderationReason }).strict();
const userIdParam = z.object({ userId: uuid }).strict();
const reasonBody = z.object({ reason: moderationReason }).strict();
const ruleIdParam = z.object({ ruleId: uuid }).strict();

/** Most entries one export holds; narrow the filters for more. */
const EXPORT_MAX = 100_000;
const EXPORT_PAGE = 500;

const CSV_COLUMNS: (keyof AuditEntry)[] = [
  'id',
  'at',
  'action',
  'actorId',
  'targetUserId',
  'roomId',
  'messageId',
  'reason',
  'before',
  'after',
];

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is
 * written as text: a reason typed by one moderator must not execute in another's Excel.
 */
function spreadsheetSafe(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * `/api/v1/admin/…`: the dashboard's endpoints, for the instance's admins and moderators
 * only (checked here, on the server, for every request: the page hiding its links is no
 * protection). Everyone else gets FORBIDDEN.
 */
@Controller('admin')
@UseGuards(AccessTokenGuard)
export class AdminController {
  constructor(
    private readonly moderation: ModerationService,
    private readonly rules: WordRulesService,
    private readonly overviewService: AdminOverviewService,
    private readonly people: PersonProfileService,
  ) {}

  /** Someone's page: profile, groups and channels with their role, latest messages there (never direct ones). */
  @Get('users/:userId')
  person(@CurrentUserId() actorId: string, @Param(new ZodPipe(userIdParam)) p: { userId: string }): Promise<AdminPersonDetail> {
    return this.people.detail(actorId, p.userId);
  }

  /** The dashboard's first page: people online, messages per minute over the last hour, the case queue. */
  @Get('overview')
  overview(@CurrentUserId() actorId: string): Promise<AdminOverview> {
    return this.overviewService.overview(actorId);
  }

  /**
   * The audit log, newest first, filtered; a page at a time, or with `format=csv|json`
   * the whole filtered log (at most EXPORT_MAX entries) as a download.
   */
  @Get('audit')
  async audit(@CurrentUserId() actorId: string, @Query(new ZodPipe(auditQuery)) q: AuditQuery, @Res({ passthrough: true }) res: Response) {
    if (!q.format) return this.moderation.audit(actorId, q);
    const entries: AuditEntry[] = [];
    let page: AuditPage = await this.moderation.audit(actorId, { ...q, limit: EXPORT_PAGE });
    for (;;) {
      entries.push(...page.entries);
      if (!page.nextCursor || entries.length >= EXPORT_MAX) break;
      page = await this.moderation.audit(actorId, { ...q, limit: EXPORT_PAGE, cursor: page.nextCursor });
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    res.setHeader('Content-Disposition', `attachment; filename="quantum-chat-audit-${stamp}.${q.format}"`);
    res.setHeader('Cache-Control', 'no-store');
    if (q.format === 'json') {
      res.type('application/json');
      return JSON.stringify(entries.slice(0, EXPORT_MAX), null, 1);
    }
    res.type('text/csv; charset=utf-8');
    return stringify(
      entries.slice(0, EXPORT_MAX).map((e) =>
        CSV_COLUMNS.map((c) => {
          const v = e[c];
          return v === null ? '' : spreadsheetSafe(typeof v === 'object' ? JSON.stringify(v) : String(v));
        }),
      ),
      { header: true, columns: CSV_COLUMNS.map(String) },
    );
  }

  @Put('users/:userId/role')
  @HttpCode(204)
  async setRole(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(userIdParam)) p: { userId: string },
    @Body(new ZodPipe(roleBody)) body: z.infer<typeof roleBody>,
  ) {
    await this.moderation.setInstanceRole(actorId, p.userId, body.role, body.reason);
  }

  /** People, by username or display name (the dashboard's People page). */
  @Get('users')
  users(@CurrentUserId() actorId: string, @Query(new ZodPipe(adminUserQuery)) q: { q: string }): Promise<AdminUser[]> {
    return this.moderation.listUsers(actorId, q.q);
  }

  /** Disabled: sign-in refused, every session and socket ended at once. */
  @Post('users/:userId/disable')
  @HttpCode(204)
  async disable(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(userIdParam)) p: { userId: string },
    @Body(new ZodPipe(reasonBody)) body: { reason: string },
  ) {
    await this.moderation.disableAccount(actorId, p.userId, body.reason);
  }

  @Post('users/:userId/enable')
  @HttpCode(204)
  async enable(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(userIdParam)) p: { userId: string },
    @Body(new ZodPipe(reasonBody)) body: { reason: string },
  ) {
    await this.moderation.enableAccount(actorId, p.userId, body.reason);
  }

  /** Signed out everywhere; they may sign in again. */
  @Post('users/:userId/end-sessions')
  @HttpCode(204)
  async endSessions(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(userIdParam)) p: { userId: string },
    @Body(new ZodPipe(reasonBody)) body: { reason: string },
  ) {
    await this.moderation.endSessions(actorId, p.userId, body.reason);
  }

  /** The instance's word rules (each room's are at /rooms/:roomId/rules). */
  @Get('rules')
  listRules(@CurrentUserId() actorId: string): Promise<WordRule[]> {
    return this.rules.list(actorId, null);
  }

  @Post('rules')
  @HttpCode(201)
  createRule(@CurrentUserId() actorId: string, @Body(new ZodPipe(wordRuleBody)) body: WordRuleBody): Promise<WordRule> {
    return this.rules.create(actorId, null, body);
  }

  @Delete('rules/:ruleId')
  @HttpCode(204)
  async deleteRule(@CurrentUserId() actorId: string, @Param(new ZodPipe(ruleIdParam)) p: { ruleId: string }) {
    await this.rules.remove(actorId, null, p.ruleId);
  }

  /** "Test this text": which rules it would meet, nothing sent. */
  @Post('rules/test')
  @HttpCode(200)
  testRules(@CurrentUserId() actorId: string, @Body(new ZodPipe(ruleTestBody)) body: RuleTestBody): Promise<RuleTestResult> {
    return this.rules.test(actorId, body);
  }
}
