import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { roomIdParam, uuid, wordRuleBody, type WordRule, type WordRuleBody } from '@qc/shared';
import { WordRulesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

const roomRuleParams = z.object({ roomId: uuid, ruleId: uuid }).strict();

/** `/api/v1/rooms/:roomId/rules`: one room's word rules, kept by its admins and owner (and the instance's staff). */
@Controller('rooms/:roomId/rules')
@UseGuards(AccessTokenGuard)
export class RoomRulesController {
  constructor(private readonly rules: WordRulesService) {}

  @Get()
  list(@CurrentUserId() actorId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }): Promise<WordRule[]> {
    return this.rules.list(actorId, p.roomId);
  }

  @Post()
  @HttpCode(201)
  create(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(wordRuleBody)) body: WordRuleBody,
  ): Promise<WordRule> {
    return this.rules.create(actorId, p.roomId, body);
  }

  @Delete(':ruleId')
  @HttpCode(204)
  async remove(@CurrentUserId() actorId: string, @Param(new ZodPipe(roomRuleParams)) p: { roomId: string; ruleId: string }) {
    await this.rules.remove(actorId, p.roomId, p.ruleId);
  }
}
