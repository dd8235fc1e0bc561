import { Body, Controller, Delete, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { banBody, liftBody, memberParams, muteBody, type BanBody, type LiftBody, type MemberSanction, type MuteBody } from '@qc/shared';
import { ModerationService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

type MemberRef = { roomId: string; userId: string };

/**
 * `/api/v1/rooms/:roomId/members/:userId/{mute,kick,ban}`: a room's staff (moderators and up,
 * and the instance's) acting on a member, each with a reason, each in the audit log. The
 * moderation policy decides who may; everyone else is refused FORBIDDEN.
 */
@Controller('rooms/:roomId/members/:userId')
@UseGuards(AccessTokenGuard)
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Post('mute')
  @HttpCode(200)
  mute(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(memberParams)) p: MemberRef,
    @Body(new ZodPipe(muteBody)) body: MuteBody,
  ): Promise<MemberSanction> {
    return this.moderation.mute(actorId, p.roomId, p.userId, body);
  }

  @Delete('mute')
  @HttpCode(204)
  async unmute(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(memberParams)) p: MemberRef,
    @Body(new ZodPipe(liftBody)) body: LiftBody,
  ) {
    await this.moderation.unmute(actorId, p.roomId, p.userId, body);
  }

  @Post('kick')
  @HttpCode(204)
  async kick(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(memberParams)) p: MemberRef,
    @Body(new ZodPipe(liftBody)) body: LiftBody,
  ) {
    await this.moderation.kick(actorId, p.roomId, p.userId, body);
  }

  @Post('ban')
  @HttpCode(200)
  ban(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(memberParams)) p: MemberRef,
    @Body(new ZodPipe(banBody)) body: BanBody,
  ): Promise<MemberSanction> {
    return this.moderation.ban(actorId, p.roomId, p.userId, body);
  }

  @Delete('ban')
  @HttpCode(204)
  async unban(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(memberParams)) p: MemberRef,
    @Body(new ZodPipe(liftBody)) body: LiftBody,
  ) {
    await this.moderation.unban(actorId, p.roomId, p.userId, body);
  }
}
