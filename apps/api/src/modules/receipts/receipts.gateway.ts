import { Inject, type OnModuleDestroy } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import { roomDeliveredPayload, roomReadPayload } from '@qc/shared';
import { ReceiptsService } from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket } from '../../common/socket/socket-event';

/**
 * `room:delivered` and `room:read`: a device moves its member's pointers; the service checks
 * membership on every event and broadcasts the moves as coalesced `receipt` events.
 */
@WebSocketGateway()
export class ReceiptsGateway implements OnModuleDestroy {
  constructor(
    private readonly receipts: ReceiptsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @SubscribeMessage('room:delivered')
  delivered(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'room:delivered', roomDeliveredPayload, body, async (p) => ({
      deliveredSeq: await this.receipts.markDelivered(socket.data.userId, p.roomId, p.seq),
    }));
  }

  @SubscribeMessage('room:read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'room:read', roomReadPayload, body, async (p) => ({
      readSeq: await this.receipts.markRead(socket.data.userId, p.roomId, p.seq),
    }));
  }

  /** On shutdown (after the sockets were drained): send what is still coalescing, hold no timer. */
  onModuleDestroy() {
    this.receipts.close();
  }
}
