import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { historyQuery, roomIdParam, type HistoryQuery } from '@qc/shared';
import { MessagesService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/** `GET /api/v1/rooms/:roomId/messages?before=|after=&limit=`: a room's history, for its members. */
@Controller('rooms/:roomId/messages')
@UseGuards(AccessTokenGuard)
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  history(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Query(new ZodPipe(historyQuery)) q: HistoryQuery,
  ) {
    return this.messages.history(userId, p.roomId, q);
  }
}
