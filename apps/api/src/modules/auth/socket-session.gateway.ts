import { Inject } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import {
  AppError,
  AuthService,
  METADATA_STORE,
  PresenceService,
  isAppError,
  knownError,
  roomChannel,
  userChannel,
  type AppConfig,
  type ChatServer,
  type MetadataStore,
} from '@qc/core';
import { APP_CONFIG, LOGGER } from '../../common/tokens';
import type { ChatSocket } from '../../common/socket/socket-event';

/*
 * Why several gateways: each feature module declares the client events it answers in a
 * gateway of its own (messages, presence, and the features that follow), and Nest binds
 * them all to the one Socket.IO server of the node (same port, same path). So a newcomer
 * finds an event in its feature's folder, and a feature adds events without editing a
 * central switch. What concerns the connection itself — who the socket is, for how long,
 * which channels it hears — is here, in one place, and runs before any feature sees it.
 */

/**
 * The socket's session: the handshake authenticates in Socket.IO middleware (origin
 * allowlist, access token) and joins the socket to its user's channel and every room's
 * channel before `connect` fires; the socket lives no longer than its token.
 */
@WebSocketGateway()
export class SocketSessionGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private server: ChatServer | null = null;
  /** Sockets counted in the handshake whose connection has not completed yet, and how to give their place back. */
  private readonly admittedNotConnected = new Map<string, () => void>();

  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    @Inject(METADATA_STORE) private readonly meta: MetadataStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  afterInit(server: ChatServer) {
    this.server = server;
    server.use((socket, next) => {
      void this.authenticate(socket as ChatSocket).then(
        () => next(),
        (err: unknown) => {
          // A database that is not answering is UNAVAILABLE (the client tries again), not INTERNAL.
          const known = knownError(err);
          const code = known ? known.code : 'INTERNAL';
          if (!known) this.logger.error({ err }, 'socket handshake failed');
          // connect_error on the client carries `message` = the code, `data` = the details.
          const e = new Error(code) as Error & { data?: unknown };
          e.data = { code, message: known ? known.message : 'handshake failed' };
          next(e);
        },
      );
    });
  }

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
    await this.admit(socket);
  }

  /**
   * The last step of the handshake: counts the socket among its person's open connections
   * (and turns them online), or refuses it past SOCKETS_PER_PERSON with
   * TOO_MANY_CONNECTIONS. A presence store that is away does not keep people out: the cap
   * is skipped for that moment, as presence itself is.
   */
  private async admit(socket: ChatSocket) {
    const userId = socket.data.userId;
    try {
      await this.presence.connected(userId, socket.id, this.config.socketsPerPerson);
    } catch (err) {
      if (isAppError(err)) throw err;
      this.logger.error({ err, connId: socket.id }, 'presence update failed; connection cap not checked');
      return;
    }
    // Counted now: if the client is gone before the connection completes, Socket.IO drops the socket without a
    // disconnect event, so its place is given back here rather than held until the presence TTL.
    const giveBack = () => {
      this.admittedNotConnected.delete(socket.id);
      this.presence
        .disconnected(userId, socket.id)
        .catch((err: unknown) => this.logger.warn({ err, connId: socket.id }, 'presence update failed'));
    };
    this.admittedNotConnected.set(socket.id, giveBack);
    socket.conn.once('close', giveBack);
  }

  handleConnection(socket: ChatSocket) {
    // Connected: from now its disconnect is PresenceGateway's to count.
    const giveBack = this.admittedNotConnected.get(socket.id);
    if (giveBack) {
      socket.conn.off('close', giveBack);
      this.admittedNotConnected.delete(socket.id);
    }
    this.endAtTokenExpiry(socket);
    this.logger.info({ connId: socket.id, userId: socket.data.userId, transport: socket.conn.transport.name }, 'socket connected');
  }

  handleDisconnect(socket: ChatSocket) {
    if (socket.data.userId) this.logger.info({ connId: socket.id, userId: socket.data.userId }, 'socket disconnected');
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

  /** Graceful shutdown: tell every client to go (they reconnect to another node, or later, and catch up). */
  drain() {
    this.server?.disconnectSockets(true);
  }
}
