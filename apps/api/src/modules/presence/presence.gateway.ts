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
import {
  AppError,
  PresenceService,
  TypingService,
  roomChannel,
  takeToken,
  type BucketRule,
  type ChatServer,
  type TokenBucketState,
} from '@qc/core';
import { LOGGER } from '../../common/tokens';
import { answerEvent, type ChatSocket, type SocketData } from '../../common/socket/socket-event';

const HEARTBEAT_MS = 20_000;

/**
 * Per socket, per event: a person typing sends one `typing` every 2 s or so and
 * `presence:set` when a tab hides; 20 at once and 5 a second is far above that, and keeps
 * a flood from reaching the presence and typing stores at all.
 */
const EVENT_BUDGET: BucketRule = { ratePerSec: 5, burst: 20 };
const budgets = new WeakMap<ChatSocket, Map<string, TokenBucketState>>();

function spendEventBudget(socket: ChatSocket, event: string) {
  let mine = budgets.get(socket);
  if (!mine) budgets.set(socket, (mine = new Map()));
  const r = takeToken(mine.get(event), EVENT_BUDGET, Date.now());
  mine.set(event, r.state);
  if (!r.allowed) throw AppError.rateLimited(r.retryAfterMs);
}

/**
 * Who is online and who is typing: a socket's disconnect moves its user's presence (its
 * connect did, in the handshake, where SocketSessionGateway counts it against the cap), a
 * heartbeat keeps this node's sockets' presence fresh (it expires in the store if the node
 * dies), and `typing` / `presence:set` are answered here.
 */
@WebSocketGateway()
export class PresenceGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  private server: ChatServer | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly presence: PresenceService,
    private readonly typingService: TypingService,
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
      // Membership from the socket's own channels, not a query per keystroke: the handshake
      // joined it to every room of its person, and joining or leaving a room moves every
      // socket of the person (on any node) in or out.
      if (!socket.rooms.has(roomChannel(p.roomId))) throw AppError.forbidden();
      spendEventBudget(socket, 'typing');
      await this.typingService.typing(socket.data.userId, p.roomId, p.isTyping, socket.id);
      return {};
    });
  }

  @SubscribeMessage('presence:set')
  setPresence(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return answerEvent(this.logger, socket, 'presence:set', presenceSetPayload, body, async (p) => {
      spendEventBudget(socket, 'presence:set');
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
    this.presence.close();
  }
}
