import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { UploadsController } from './uploads.controller';

/** Files sent to rooms: upload, signed links, download (the service and its stores are core's). */
@Module({ controllers: [UploadsController], providers: [AccessTokenGuard] })
export class UploadsModule {}
