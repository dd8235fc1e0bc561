import { Inject, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Logger } from 'pino';
import { presenceSetPayload, typingPayload } from '@qc/shared';
import { PresenceService, RoomsService, TypingService, type ChatServer } from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket, type SocketData } from '../../common/socket/socket-event';

const HEARTBEAT_MS = 20_000;

/**
 * Who is online and who is typing: a socket's disconnect moves its user's presence (its
 * connect did, in the handshake: SocketSessionGateway counts it against the cap there), a heartbeat keeps this node's sockets' presence fresh (it expires in the store
 * if the node dies), and `typing` / `presence:set` are answered here.
 */
@WebSocketGateway()
export class PresenceGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  private server: ChatServer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly presence: PresenceService,
    private readonly typingService: TypingService,
    private readonly rooms: RoomsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: ChatServer) {
    this.server = server;
    this.heartbeat = setInterval(() => void this.refreshPresence(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.typingService.start();
  }

  async handleDisconnect(socket: ChatSocket) {
    const userId = socket.data.userId;
    if (!userId) return;
    await this.presence
      .disconnected(userId, socket.id)
      .catch((err: unknown) => this.logger.error({ err, connId: socket.id }, 'presence update failed'));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'typing', typingPayload, body, async (p) => {
      await this.rooms.requireMember(p.roomId, socket.data.userId);
      await this.typingService.typing(socket.data.userId, p.roomId, p.isTyping, socket.id);
      return {};
    });
  }

  @SubscribeMessage('presence:set')
  setPresence(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'presence:set', presenceSetPayload, body, async (p) => {
      await this.presence.setStatus(socket.data.userId, socket.id, p.status);
      return {};
    });
  }

  private async refreshPresence() {
    if (!this.server) return;
    const entries = [...this.server.sockets.sockets.values()]
      .filter((s) => (s.data as Partial<SocketData>).userId)
      .map((s) => ({ userId: (s.data as SocketData).userId, connectionId: s.id }));
    await this.presence.heartbeat(entries).catch((err: unknown) => this.logger.warn({ err }, 'presence heartbeat failed'));
  }

  /** On shutdown (after the sockets were drained): no more heartbeats or typing timers. */
  onModuleDestroy() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.typingService.close();
  }
}
