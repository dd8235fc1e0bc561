import { Body, Controller, Get, Param, Put, UseGuards } from '@nestjs/common';
import { roomIdParam, roomNotificationsBody, type RoomNotificationsBody } from '@qc/shared';
import { RoomsService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/**
 * `/api/v1/rooms/:roomId/notifications`: how loudly a room may tell the caller of new
 * messages (all / mentions / none) and a mute until a time. Kept on the server so every
 * device of theirs decides the same; a change reaches their other devices as
 * `room:notifications`.
 */
@Controller('rooms/:roomId/notifications')
@UseGuards(AccessTokenGuard)
export class NotificationsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  get(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }) {
    return this.rooms.notifications(p.roomId, userId);
  }

  @Put()
  put(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(roomNotificationsBody)) body: RoomNotificationsBody,
  ) {
    return this.rooms.setNotifications(p.roomId, userId, body);
  }
}
