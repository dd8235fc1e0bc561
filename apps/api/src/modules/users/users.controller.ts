import { Body, Controller, Get, Param, Patch, Query, UseGuards } from '@nestjs/common';
import { patchMeBody, userIdParam, userSearchQuery, type PatchMeBody } from '@qc/shared';
import { UsersService } from '@qc/core';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

@Controller('users')
@UseGuards(AccessTokenGuard)
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  me(@CurrentUserId() userId: string) {
    return this.users.getMe(userId);
  }

  @Patch('me')
  patchMe(@CurrentUserId() userId: string, @Body(new ZodPipe(patchMeBody)) body: PatchMeBody) {
    return this.users.patchMe(userId, body);
  }

  @Get()
  search(@Query(new ZodPipe(userSearchQuery)) query: { q: string }) {
    return this.users.search(query.q);
  }

  /** A person's profile card: declared after `me`, which the router must match first. */
  @Get(':userId')
  profile(@Param(new ZodPipe(userIdParam)) params: { userId: string }) {
    return this.users.getProfile(params.userId);
  }
}
