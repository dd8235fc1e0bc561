import { Module } from '@nestjs/common';
import { PresenceGateway } from './presence.gateway';

/** Online status and typing indicators (socket events only). */
@Module({ providers: [PresenceGateway] })
export class PresenceModule {}
