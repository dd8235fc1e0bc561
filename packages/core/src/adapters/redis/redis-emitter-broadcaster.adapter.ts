import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import {
  openRoomChannel,
  roomChannel,
  userChannel,
  type BroadcastOptions,
  type Broadcaster,
  type ServerEvent,
  type ServerEventPayload,
} from '../../ports/broadcaster.port';

/**
 * Fan-out from a process that holds no sockets (apps/workers): the Redis emitter publishes
 * in the Redis adapter's format, and every api node delivers to its own sockets. The key
 * must match the adapter's (`qc:socket.io`).
 */
export class RedisEmitterBroadcaster implements Broadcaster {
  private readonly emitter: Emitter;

  constructor(private readonly redis: Redis) {
    this.emitter = new Emitter(redis, { key: 'qc:socket.io' });
  }

  private target(channels: string | string[], opts?: BroadcastOptions) {
    let op = this.emitter.to(channels);
    if (opts?.exceptSocketId) op = op.except(opts.exceptSocketId);
    if (opts?.volatile) op = op.volatile;
    return op;
  }

  toRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.target(roomChannel(roomId), opts).emit(event, payload);
  }

  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    this.target(userChannel(userId), opts).emit(event, payload);
  }

  toUsers<E extends ServerEvent>(userIds: string[], event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions) {
    if (userIds.length) this.target(userIds.map(userChannel), opts).emit(event, payload);
  }

  toOpenRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, alsoUserIds: readonly string[] = []) {
    this.target([openRoomChannel(roomId), ...alsoUserIds.map(userChannel)]).emit(event, payload);
  }

  toRoomNotOpen<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>) {
    this.target(roomChannel(roomId)).except(openRoomChannel(roomId)).emit(event, payload);
  }

  addUserToRoom(userId: string, roomId: string) {
    this.emitter.in(userChannel(userId)).socketsJoin(roomChannel(roomId));
  }

  removeUserFromRoom(userId: string, roomId: string) {
    this.emitter.in(userChannel(userId)).socketsLeave([roomChannel(roomId), openRoomChannel(roomId)]);
  }

  disconnectUser(userId: string) {
    this.emitter.in(userChannel(userId)).disconnectSockets(true);
  }

  /** Redis answers a PING after every PUBLISH sent before it on this connection. */
  async flush(): Promise<void> {
    await this.redis.ping();
  }
}
