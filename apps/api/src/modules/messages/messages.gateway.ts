import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import {
  messageDeletePayload,
  messageEditPayload,
  messagePinPayload,
  messageSendPayload,
  reactionPayload,
  roomSyncPayload,
} from '@qc/shared';
import { MessageActionsService, MessagesService, TypingService } from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket } from '../../common/socket/socket-event';

/**
 * `message:send`, `room:sync`, and the changes to a message: `message:edit`,
 * `message:delete`, `message:pin`, `reaction:add`, `reaction:remove` (each answered with the message as it
 * is now; others get it as `message:updated` at the change's seq). Membership is checked by the service on every
 * event, not only when the socket joined; the send's ack comes after its commit.
 */
@WebSocketGateway()
export class MessagesGateway {
  constructor(
    private readonly messages: MessagesService,
    private readonly actions: MessageActionsService,
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

  @SubscribeMessage('message:edit')
  edit(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'message:edit', messageEditPayload, body, async (p) => ({
      message: await this.actions.edit(socket.data.userId, p),
    }));
  }

  @SubscribeMessage('message:delete')
  remove(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'message:delete', messageDeletePayload, body, async (p) => ({
      message: await this.actions.delete(socket.data.userId, p),
    }));
  }

  @SubscribeMessage('message:pin')
  pin(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'message:pin', messagePinPayload, body, async (p) => ({
      message: await this.actions.pin(socket.data.userId, p, p.pinned),
    }));
  }

  @SubscribeMessage('reaction:add')
  react(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'reaction:add', reactionPayload, body, async (p) => ({
      message: await this.actions.react(socket.data.userId, p, true),
    }));
  }

  @SubscribeMessage('reaction:remove')
  unreact(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'reaction:remove', reactionPayload, body, async (p) => ({
      message: await this.actions.react(socket.data.userId, p, false),
    }));
  }
}
