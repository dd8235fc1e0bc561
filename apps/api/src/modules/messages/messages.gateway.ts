import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import { messageSendPayload, roomSyncPayload } from '@qc/shared';
import { MessagesService, TypingService } from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket } from '../../common/socket/socket-event';

/**
 * `message:send`, `room:sync`. Membership is checked by the service on every
 * event, not only when the socket joined; the send's ack comes after its commit.
 */
@WebSocketGateway()
export class MessagesGateway {
  constructor(
    private readonly messages: MessagesService,
    private readonly typing: TypingService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'message:send', messageSendPayload, body, async (p) => {
      const { message } = await this.messages.send(socket.data.userId, p);
      // A message sent ends its author's typing mark.
      void this.typing.stopped(socket.data.userId, p.roomId);
      return { message };
    });
  }

  @SubscribeMessage('room:sync')
  sync(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'room:sync', roomSyncPayload, body, (p) => this.messages.sync(socket.data.userId, p));
  }
}
