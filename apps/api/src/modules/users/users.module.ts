import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { UsersController } from './users.controller';

/** The caller's profile and the people directory. */
@Module({ controllers: [UsersController], providers: [AccessTokenGuard] })
export class UsersModule {}
