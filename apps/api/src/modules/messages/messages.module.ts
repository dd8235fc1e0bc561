import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { MessagesController, PinsController } from './messages.controller';
import { MessagesGateway } from './messages.gateway';

/** Sending, catch-up (room:sync), history, and changes to messages (edits, deletes, reactions, pins); read markers are in the receipts module. */
@Module({ controllers: [MessagesController, PinsController], providers: [AccessTokenGuard, MessagesGateway] })
export class MessagesModule {}
