import type { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@qc/shared';
import {
  openRoomChannel,
  roomChannel,
  userChannel,
  type BroadcastOptions,
  type Broadcaster,
  type ServerEvent,
  type ServerEventPayload,
} from '../../ports/broadcaster.port';

export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents>;

/**
 * Fan-out through the Socket.IO server of this process. With the in-memory adapter that
 * reaches this node's sockets; with the Redis adapter installed on the same server it
 * reaches every node's, with no change here. The server is attached once the gateway
 * has created it; before that no socket exists, so there is nobody to tell.
 */
export class SocketIoBroadcaster implements Broadcaster {
  private server: ChatServer | null = null;

  /**
   * @param flushBus with a cross-node bus (Redis), resolves once the bus has taken every
   *   publish issued so far — e.g. a PING on the publishing connection, which Redis answers
   *   only after the commands before it.
   */
  constructor(private readonly flushBus: () => Promise<void> = async () => undefined) {}

  attach(server: ChatServer) {
    this.server = server;
  }

  flush(): Promise<void> {
    return this.flushBus();
  }

  private target(channels: string | string[], opts?: BroadcastOptions) {
    if (!this.server) return null;
    let op = this.server.to(channels);
    if (opts?.exceptSocketId) op = op.except(opts.exceptSocketId);
    if (opts?.volatile) op = op.volatile;
    return op;
  }

  toRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.emit(this.target(roomChannel(roomId), opts), event, payload);
  }

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.emit(this.target(userChannel(userId), opts), event, payload);
  }

  toUsers<E extends ServerEvent>(userIds: string[], event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    if (userIds.length === 0) return;
    this.emit(this.target(userIds.map(userChannel), opts), event, payload);
  }

  toOpenRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, alsoUserIds: readonly string[] = []) {
    // One emit to the union of channels: Socket.IO sends once to a socket in several of them.
    this.emit(this.target([openRoomChannel(roomId), ...alsoUserIds.map(userChannel)]), event, payload);
  }

  toRoomNotOpen<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>) {
    this.emit(this.target(roomChannel(roomId))?.except(openRoomChannel(roomId)) ?? null, event, payload);
  }

  addUserToRoom(userId: string, roomId: string) {
    this.server?.in(userChannel(userId)).socketsJoin(roomChannel(roomId));
  }

  removeUserFromRoom(userId: string, roomId: string) {
    this.server?.in(userChannel(userId)).socketsLeave([roomChannel(roomId), openRoomChannel(roomId)]);
  }

  disconnectUser(userId: string) {
    this.server?.in(userChannel(userId)).disconnectSockets(true);
  }

  private emit<E extends ServerEvent>(op: ReturnType<ChatServer['to']> | null, event: E, payload: ServerEventPayload<E>) {
    if (!op) return;
    // The typed emit wants the exact tuple of the event's parameters.
    (op.emit as (ev: string, p: unknown) => boolean)(event, payload);
  }
}
