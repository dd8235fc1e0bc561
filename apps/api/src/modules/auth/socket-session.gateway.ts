import { Inject, type OnModuleDestroy } from '@nestjs/common';
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
import type { ChatSocket, SocketData } from '../../common/socket/socket-event';

/**
 * How often sockets whose access token has expired are looked for. One sweep for all of them,
 * not a timer per socket: a timer, its callback and the disconnect listener that cancels it
 * cost ~0.7 KiB of heap per idle connection; a sweep over 50,000 sockets takes about a
 * millisecond. A socket outlives its token by at most this much.
 */
export const TOKEN_EXPIRY_SWEEP_MS = 1000;

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
export class SocketSessionGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnModuleDestroy {
  private server: ChatServer | null = null;
  private expirySweep: NodeJS.Timeout | null = null;
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
    this.expirySweep = setInterval(() => this.endExpiredSessions(), TOKEN_EXPIRY_SWEEP_MS);
    this.expirySweep.unref();
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
    const { userId, issuedAt, expiresAt } = this.auth.verifyAccessToken(auth?.token);
    // The token is not needed past this point, and an idle socket would otherwise hold it (a
    // credential, ~0.2 KiB) for its whole life.
    socket.handshake.auth = {};
    socket.data.userId = userId;
    socket.data.tokenExpiresAt = expiresAt.getTime();
    // Ids only: the full list counts every room's members, per handshake (a reconnect storm
    // of members of a large channel counted its members once per socket). Beside it, the
    // account is checked: an erased or disabled one's access token, still unexpired, must not
    // reconnect, nor one issued before its sessions were ended.
    const [roomIds] = await Promise.all([this.meta.listRoomIdsOfUser(userId), this.auth.requireLiveSession({ userId, issuedAt })]);
    await socket.join([userChannel(userId), ...roomIds.map(roomChannel)]);
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
    this.logger.info({ connId: socket.id, userId: socket.data.userId, transport: socket.conn.transport.name }, 'socket connected');
  }

  handleDisconnect(socket: ChatSocket) {
    if (socket.data.userId) this.logger.info({ connId: socket.id, userId: socket.data.userId }, 'socket disconnected');
  }

  /**
   * A socket lives no longer than the access token it was opened with: past expiry the
   * server closes it (within TOKEN_EXPIRY_SWEEP_MS), and the client refreshes its token,
   * reconnects and catches up by room:sync. So a signed-out or removed account does not keep
   * listening for ever.
   */
  private endExpiredSessions() {
    if (!this.server) return;
    const now = Date.now();
    for (const socket of this.server.sockets.sockets.values()) {
      const data = socket.data as Partial<SocketData>;
      if (data.tokenExpiresAt === undefined || data.tokenExpiresAt > now) continue;
      this.logger.info({ connId: socket.id, userId: data.userId }, 'access token expired: closing socket');
      socket.disconnect(true);
    }
  }

  /** Graceful shutdown: tell every client to go (they reconnect to another node, or later, and catch up). */
  drain() {
    this.server?.disconnectSockets(true);
  }

  onModuleDestroy() {
    if (this.expirySweep) clearInterval(this.expirySweep);
  }
}
