import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { MyDataController } from './my-data.controller';
import { UsersController } from './users.controller';

/** The caller's profile, their data (export, account deletion) and the people directory. */
@Module({ controllers: [UsersController, MyDataController], providers: [AccessTokenGuard] })
export class UsersModule {}
