import { Body, Controller, Get, Put, UseGuards } from '@nestjs/common';
import { spamSettingsUpdateBody, type SpamSettingsUpdate, type SpamSettingsView } from '@qc/shared';
import { SpamRulesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/**
 * `/admin/spam-rules`: the instance's spam rules (the same text in many rooms, links from
 * new accounts), read and changed by its staff (the word rules' permission), each change in
 * the audit log with before and after.
 */
@Controller('admin/spam-rules')
@UseGuards(AccessTokenGuard)
export class SpamRulesController {
  constructor(private readonly spam: SpamRulesService) {}

  @Get()
  get(@CurrentUserId() actorId: string): Promise<SpamSettingsView> {
    return this.spam.get(actorId);
  }

  @Put()
  update(@CurrentUserId() actorId: string, @Body(new ZodPipe(spamSettingsUpdateBody)) body: SpamSettingsUpdate): Promise<SpamSettingsView> {
    return this.spam.update(actorId, body);
  }
}
