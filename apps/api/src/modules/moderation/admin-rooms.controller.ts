import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  adminRoomQuery,
  archiveBody,
  moderationReason,
  uuid,
  type AdminRoom,
  type AdminRoomDetail,
  type AdminRoomQuery,
  type ArchiveBody,
  type RoomPace,
} from '@qc/shared';
import { ModerationService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

const roomIdParam = z.object({ roomId: uuid }).strict();
const reasonBody = z.object({ reason: moderationReason }).strict();

/**
 * `/admin/rooms…`: every group and channel for the instance's staff (direct messages are
 * never listed): find one, see its people, archive it or bring it back (moderators), delete
 * it (admins). A room's pace is set at /rooms/:roomId/slow-mode and /read-only, which staff
 * may use in every room.
 */
@Controller('admin/rooms')
@UseGuards(AccessTokenGuard)
export class AdminRoomsController {
  constructor(private readonly moderation: ModerationService) {}

  @Get()
  async list(@CurrentUserId() actorId: string, @Query(new ZodPipe(adminRoomQuery)) q: AdminRoomQuery): Promise<{ rooms: AdminRoom[] }> {
    return { rooms: await this.moderation.listRooms(actorId, q) };
  }

  @Get(':roomId')
  get(@CurrentUserId() actorId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }): Promise<AdminRoomDetail> {
    return this.moderation.roomDetail(actorId, p.roomId);
  }

  @Put(':roomId/archived')
  archive(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(archiveBody)) body: ArchiveBody,
  ): Promise<RoomPace> {
    return this.moderation.setArchived(actorId, p.roomId, body.archived, body.reason);
  }

  @Delete(':roomId')
  @HttpCode(204)
  async remove(
    @CurrentUserId() actorId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(reasonBody)) body: { reason: string },
  ): Promise<void> {
    await this.moderation.deleteRoom(actorId, p.roomId, body.reason);
  }
}
