import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { roomIdParam } from '@qc/shared';
import { ReceiptsService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

/** `GET /api/v1/rooms/:roomId/receipts`: every member's delivered and read pointers, for the room's members. */
@Controller('rooms/:roomId/receipts')
@UseGuards(AccessTokenGuard)
export class ReceiptsController {
  constructor(private readonly receipts: ReceiptsService) {}

  @Get()
  list(@CurrentUserId() userId: string, @Param(new ZodPipe(roomIdParam)) p: { roomId: string }) {
    return this.receipts.list(userId, p.roomId);
  }
}
