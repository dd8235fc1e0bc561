import { Inject } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { ZodType, ZodTypeDef } from 'zod';
import {
  messageSendPayload,
  parseWith,
  presenceSetPayload,
  roomReadPayload,
  roomSyncPayload,
  typingPayload,
  type Ack,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@qc/shared';
import {
  AppError,
  AuthService,
  MessagesService,
  METADATA_STORE,
  PresenceService,
  RoomsService,
  SocketIoBroadcaster,
  TypingService,
  isAppError,
  roomChannel,
  userChannel,
  type AppConfig,
  type ChatServer,
  type MetadataStore,
} from '@qc/core';
import { APP_CONFIG, LOGGER } from '../tokens';

interface SocketData {
  userId: string;
  tokenExpiresAt: number;
}
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const HEARTBEAT_MS = 20_000;

/**
 * The socket edge, kept thin: authenticate in middleware, parse every payload with its
 * shared schema, call a core service, answer through the ack. Membership is checked by
 * the services on every event, not only when the socket joined.
 */
@WebSocketGateway()
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private server!: ChatServer;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(
    private readonly auth: AuthService,
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly presence: PresenceService,
    private readonly typingService: TypingService,
    private readonly broadcaster: SocketIoBroadcaster,
    @Inject(METADATA_STORE) private readonly meta: MetadataStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: ChatServer) {
    this.server = server;
    this.broadcaster.attach(server);
    server.use((socket, next) => {
      void this.authenticate(socket as ChatSocket).then(
        () => next(),
        (err: unknown) => {
          const code = isAppError(err) ? err.code : 'INTERNAL';
          if (!isAppError(err)) this.logger.error({ err }, 'socket handshake failed');
          // connect_error on the client carries `message` = the code, `data` = the details.
          const e = new Error(code) as Error & { data?: unknown };
          e.data = { code, message: isAppError(err) ? err.message : 'handshake failed' };
          next(e);
        },
      );
    });
    this.heartbeat = setInterval(() => void this.refreshPresence(), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.typingService.start();
  }

  /** Origin allowlist, token, then the socket joins its user's channel and every room's channel before `connect` fires. */
  private async authenticate(socket: ChatSocket) {
    const origin = socket.handshake.headers.origin;
    if (origin && !this.config.allowedOrigins.includes(origin)) {
      throw AppError.forbidden(`origin ${origin} is not allowed to connect`);
    }
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const { userId, expiresAt } = this.auth.verifyAccessToken(auth?.token);
    socket.data.userId = userId;
    socket.data.tokenExpiresAt = expiresAt.getTime();
    const rooms = await this.meta.listRoomsOfUser(userId);
    await socket.join([userChannel(userId), ...rooms.map((r) => roomChannel(r.room.id))]);
  }

  async handleConnection(socket: ChatSocket) {
    const userId = socket.data.userId;
    this.endAtTokenExpiry(socket);
    this.logger.info({ connId: socket.id, userId, transport: socket.conn.transport.name }, 'socket connected');
    await this.presence
      .connected(userId, socket.id)
      .catch((err: unknown) => this.logger.error({ err, connId: socket.id }, 'presence update failed'));
  }

  /**
   * A socket lives no longer than the access token it was opened with: at expiry the
   * server closes it, and the client refreshes its token, reconnects and catches up by
   * room:sync. So a signed-out or removed account does not keep listening for ever.
   */
  private endAtTokenExpiry(socket: ChatSocket) {
    const ms = Math.max(0, socket.data.tokenExpiresAt - Date.now());
    const timer = setTimeout(() => {
      this.logger.info({ connId: socket.id, userId: socket.data.userId }, 'access token expired: closing socket');
      socket.disconnect(true);
    }, ms);
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  }

  async handleDisconnect(socket: ChatSocket) {
    const userId = socket.data.userId;
    if (!userId) return;
    this.logger.info({ connId: socket.id, userId }, 'socket disconnected');
    await this.presence
      .disconnected(userId, socket.id)
      .catch((err: unknown) => this.logger.error({ err, connId: socket.id }, 'presence update failed'));
  }

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'message:send', messageSendPayload, body, async (p) => {
      const { message } = await this.messages.send(socket.data.userId, p);
      void this.typingService.stopped(socket.data.userId, p.roomId);
      return { message };
    });
  }

  @SubscribeMessage('room:sync')
  sync(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'room:sync', roomSyncPayload, body, (p) => this.messages.sync(socket.data.userId, p));
  }

  @SubscribeMessage('room:read')
  read(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'room:read', roomReadPayload, body, async (p) => ({
      readSeq: await this.messages.markRead(socket.data.userId, p.roomId, p.seq),
    }));
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'typing', typingPayload, body, async (p) => {
      await this.rooms.requireMember(p.roomId, socket.data.userId);
      await this.typingService.typing(socket.data.userId, p.roomId, p.isTyping, socket.id);
      return {};
    });
  }

  @SubscribeMessage('presence:set')
  setPresence(@ConnectedSocket() socket: ChatSocket, @MessageBody() body: unknown) {
    return this.handle(socket, 'presence:set', presenceSetPayload, body, async (p) => {
      await this.presence.setStatus(socket.data.userId, socket.id, p.status);
      return {};
    });
  }

  /** Parse, run, and turn any outcome into an ack; nothing a client sends can take the server down. */
  private async handle<P, R extends object>(
    socket: ChatSocket,
    event: string,
    schema: ZodType<P, ZodTypeDef, unknown>,
    body: unknown,
    fn: (payload: P) => Promise<R>,
  ): Promise<Ack<R>> {
    const parsed = parseWith(schema, body);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    try {
      return { ok: true, ...(await fn(parsed.value)) };
    } catch (err) {
      if (isAppError(err)) return { ok: false, error: err.toBody() };
      this.logger.error({ err, connId: socket.id, userId: socket.data.userId, event }, 'socket event failed');
      return { ok: false, error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } };
    }
  }

  private async refreshPresence() {
    const entries = [...this.server.sockets.sockets.values()]
      .filter((s) => (s.data as Partial<SocketData>).userId)
      .map((s) => ({ userId: (s.data as SocketData).userId, connectionId: s.id }));
    await this.presence.heartbeat(entries).catch((err: unknown) => this.logger.warn({ err }, 'presence heartbeat failed'));
  }

  /** Graceful shutdown: stop the heartbeat and tell every client to go (they reconnect and catch up). */
  async drain() {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.typingService.close();
    this.server?.disconnectSockets(true);
  }
}
