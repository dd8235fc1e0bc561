import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { AvatarsController } from './avatars.controller';
import { MyDataController } from './my-data.controller';
import { UsersController } from './users.controller';

/** The caller's profile and picture, their data (export, account deletion), the people directory, and people's pictures. */
@Module({ controllers: [UsersController, MyDataController, AvatarsController], providers: [AccessTokenGuard] })
export class UsersModule {}
