import { Body, Controller, Delete, Get, Param, Patch, Put, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import { AVATAR_MAX_BYTES, patchMeBody, userIdParam, userSearchQuery, type PatchMeBody, type User } from '@qc/shared';
import { AvatarsService, UsersService } from '@qc/core';
import { receiveOneFile } from '../../common/http/multipart';
import { AccessTokenGuard, CurrentUserId } from '../../common/http/auth.guard';
import { ZodPipe } from '../../common/http/zod.pipe';

@Controller('users')
@UseGuards(AccessTokenGuard)
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly avatars: AvatarsService,
  ) {}

  @Get('me')
  me(@CurrentUserId() userId: string) {
    return this.users.getMe(userId);
  }

  @Patch('me')
  patchMe(@CurrentUserId() userId: string, @Body(new ZodPipe(patchMeBody)) body: PatchMeBody) {
    return this.users.patchMe(userId, body);
  }

  /** My picture (multipart, one part named `file`): cropped square and re-encoded here; answers my profile with its new avatarUrl. */
  @Put('me/avatar')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: { type: 'string', format: 'binary' } } },
  })
  setAvatar(@CurrentUserId() userId: string, @Req() req: Request): Promise<User> {
    return receiveOneFile(req, 'file', AVATAR_MAX_BYTES, (file) => this.avatars.set(userId, file));
  }

  @Delete('me/avatar')
  removeAvatar(@CurrentUserId() userId: string): Promise<User> {
    return this.avatars.remove(userId);
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
