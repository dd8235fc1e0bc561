import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import {
  addMemberBody,
  createRoomBody,
  listRoomsQuery,
  memberParams,
  patchRoomBody,
  roomIdParam,
  type AddMemberBody,
  type CreateRoomBody,
  type PatchRoomBody,
} from '@qc/shared';
import { RoomsService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/** `/api/v1/rooms`: the caller's rooms, public channels, a room's settings and members. */
@Controller('rooms')
@UseGuards(AccessTokenGuard)
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Get()
  list(@CurrentUserId() userId: string, @Query(new ZodPipe(listRoomsQuery)) q: { browse?: 'channels'; q?: string }) {
    return q.browse === 'channels' ? this.rooms.browseChannels(userId, q.q) : this.rooms.listMine(userId);
  }

  @Post()
  async create(
    @CurrentUserId() userId: string,
    @Body(new ZodPipe(createRoomBody)) body: CreateRoomBody,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { room, created } = await this.rooms.create(userId, body);
    res.status(created ? 201 : 200);
    return room;
  }

  @Get(':roomId')
  get(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }) {
    return this.rooms.get(p.roomId, userId);
  }

  @Patch(':roomId')
  patch(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(patchRoomBody)) body: PatchRoomBody,
  ) {
    return this.rooms.patch(p.roomId, userId, body);
  }

  @Delete(':roomId')
  @HttpCode(204)
  async remove(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }) {
    await this.rooms.remove(p.roomId, userId);
  }

  @Get(':roomId/members')
  members(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }) {
    return this.rooms.listMembers(p.roomId, userId);
  }

  @Post(':roomId/members')
  addMember(
    @CurrentUserId() userId: string,
    @Param(new ZodPipe(roomIdParam)) p: { roomId: string },
    @Body(new ZodPipe(addMemberBody)) body: AddMemberBody,
  ) {
    return this.rooms.addMember(p.roomId, userId, body);
  }

  @Delete(':roomId/members/:userId')
  @HttpCode(204)
  async removeMember(@CurrentUserId() userId: string, @Param(new ZodPipe(memberParams)) p: { roomId: string; userId: string }) {
    await this.rooms.removeMember(p.roomId, userId, p.userId);
  }
}
