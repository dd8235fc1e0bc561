import { Module } from '@nestjs/common';
import { AccessTokenGuard } from '../../common/http/auth.guard';
import { AuthController } from './auth.controller';
import { SocketSessionGateway } from './socket-session.gateway';

/** Sign-up, sign-in, refresh and sign-out over REST, and the socket handshake that authenticates every connection. */
@Module({ controllers: [AuthController], providers: [AccessTokenGuard, SocketSessionGateway] })
export class AuthModule {}
