import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { ReceiptsController } from './receipts.controller';
import { ReceiptsGateway } from './receipts.gateway';

/** Delivered and read pointers per member: the socket events that move them and the list of a room's. */
@Module({ controllers: [ReceiptsController], providers: [AccessTokenGuard, ReceiptsGateway] })
export class ReceiptsModule {}
