import { Body, Controller, HttpCode, Param, Put, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { readOnlyBody, slowModeBody, uuid, type ReadOnlyBody, type RoomPace, type SlowModeBody } from '@qc/shared';
import { ModerationService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

const roomParams = z.object({ roomId: uuid }).strict();

/**
 * `/api/v1/rooms/:roomId/slow-mode` and `…/read-only`: a room's admins and owner (and the
 * instance's staff) set its pace; its members are told (`room:pace`) and every node applies
 * it from the next send.
 */
@Controller('rooms/:roomId')
@UseGuards(AccessTokenGuard)
export class RoomPaceController {
  constructor(private readonly moderation: ModerationService) {}

  @Put('slow-mode')
  @HttpCode(200)
  slowMode(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(roomParams)) p: { roomId: string },
    @Body(new ZodPipe(slowModeBody)) body: SlowModeBody,
  ): Promise<RoomPace> {
    return this.moderation.setSlowMode(actorId, p.roomId, body.seconds, body.reason);
  }

  @Put('read-only')
  @HttpCode(200)
  readOnly(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(roomParams)) p: { roomId: string },
    @Body(new ZodPipe(readOnlyBody)) body: ReadOnlyBody,
  ): Promise<RoomPace> {
    return this.moderation.setReadOnly(actorId, p.roomId, body.readOnly, body.reason);
  }
}
