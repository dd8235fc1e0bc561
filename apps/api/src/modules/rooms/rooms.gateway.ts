import { Inject } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import { roomOpenPayload } from '@qc/shared';
import { openRoomChannel, RoomsService } from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket } from '../../common/socket/socket-event';

/**
 * `room:open`: the room a device shows now, for hybrid fan-out. A large room's messages go
 * live only to the sockets in its `open:<roomId>` channel; a socket is in at most one, and
 * only a member's socket joins one. The ack comes after the join, so a device that catches
 * up by room:sync once it is answered misses nothing in between.
 */
@WebSocketGateway()
export class RoomsGateway {
  constructor(
    private readonly rooms: RoomsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @SubscribeMessage('room:open')
  open(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'room:open', roomOpenPayload, body, async (p) => {
      // The room shown before is left at once, whatever the new one turns out to be.
      const previous = socket.data.openRoomId;
      if (previous) await socket.leave(openRoomChannel(previous));
      socket.data.openRoomId = null;
      const ticket = (socket.data.openTicket = (socket.data.openTicket ?? 0) + 1);
      const opened = await this.rooms.open(p.roomId, socket.data.userId);
      // A later room:open of this socket, answered first, decides which room is open.
      if (ticket === socket.data.openTicket && opened.roomId && socket.connected) {
        await socket.join(openRoomChannel(opened.roomId));
        socket.data.openRoomId = opened.roomId;
      }
      return opened;
    });
  }
}
