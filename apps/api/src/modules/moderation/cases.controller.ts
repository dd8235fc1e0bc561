import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  caseActionBody,
  caseAssignBody,
  caseListQuery,
  caseNoteBody,
  messageParams,
  reportBody,
  uuid,
  type CaseActionBody,
  type CaseDetail,
  type CaseListQuery,
  type CasePage,
  type MyReport,
  type ReportBody,
} from '@qc/shared';
import { CasesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

const caseIdParam = z.object({ caseId: uuid }).strict();

/**
 * Reporting, for every member: `POST /rooms/:roomId/messages/:messageId/report` files a
 * report on a message of a room they are in; `GET /reports/mine` lists theirs with how each
 * ended.
 */
@Controller()
@UseGuards(AccessTokenGuard)
export class ReportsController {
  constructor(private readonly cases: CasesService) {}

  @Post('rooms/:roomId/messages/:messageId/report')
  @HttpCode(201)
  report(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(messageParams)) p: { roomId: string; messageId: string },
    @Body(new ZodPipe(reportBody)) body: ReportBody,
  ): Promise<MyReport> {
    return this.cases.report(userId, p.roomId, p.messageId, body);
  }

  @Get('reports/mine')
  async mine(@CurrentUserId() userId: string): Promise<{ reports: MyReport[] }> {
    return { reports: await this.cases.mine(userId) };
  }
}

/** `/admin/cases…`: the case queue and each case, for the instance's staff only (checked per request). */
@Controller('admin/cases')
@UseGuards(AccessTokenGuard)
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  list(@CurrentUserId() actorId: string, @Query(new ZodPipe(caseListQuery)) q: CaseListQuery): Promise<CasePage> {
    return this.cases.list(actorId, q);
  }

  @Get(':caseId')
  get(@CurrentUserId() actorId: string, @Param(new ZodPipe(caseIdParam)) p: { caseId: string }): Promise<CaseDetail> {
    return this.cases.get(actorId, p.caseId);
  }

  @Put(':caseId/assignee')
  assign(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(caseIdParam)) p: { caseId: string },
    @Body(new ZodPipe(caseAssignBody)) body: z.infer<typeof caseAssignBody>,
  ): Promise<CaseDetail> {
    return this.cases.assign(actorId, p.caseId, body.assigneeId);
  }

  @Post(':caseId/notes')
  @HttpCode(201)
  note(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(caseIdParam)) p: { caseId: string },
    @Body(new ZodPipe(caseNoteBody)) body: z.infer<typeof caseNoteBody>,
  ): Promise<CaseDetail> {
    return this.cases.note(actorId, p.caseId, body.text);
  }

  /** One click with a reason: mute, kick, ban, delete the message, or dismiss; the case closes and its reporters are told. */
  @Post(':caseId/actions')
  @HttpCode(200)
  act(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(caseIdParam)) p: { caseId: string },
    @Body(new ZodPipe(caseActionBody)) body: CaseActionBody,
  ): Promise<CaseDetail> {
    return this.cases.act(actorId, p.caseId, body);
  }
}
