import type { ServerToClientEvents } from '@qc/shared';

export type ServerEvent = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEvent> = Parameters<ServerToClientEvents[E]>[0];

/**
 * Socket fan-out. Every socket of a user is in `user:<id>`; every socket of a room's
 * members is in `room:<id>`; a socket that shows a room now (`room:open`, at most one room
 * per socket) is in `open:<id>` too. The embedded adapter is the Socket.IO server itself; across
 * nodes it is the Redis adapter (or the Redis emitter from workers).
 */
export interface Broadcaster {
  toRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions): void;
  toUser<E extends ServerEvent>(userId: string, event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions): void;
  toUsers<E extends ServerEvent>(userIds: string[], event: E, payload: ServerEventPayload<E>, opts?: BroadcastOptions): void;
  /**
   * To the sockets that have the room open, and to every socket of `alsoUserIds` (a
   * message's author, the people it mentions), each socket once: a large room's live path.
   */
  toOpenRoom<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>, alsoUserIds?: readonly string[]): void;
  /** To the room's members' sockets that do not have it open: a large room's `room:activity`. */
  toRoomNotOpen<E extends ServerEvent>(roomId: string, event: E, payload: ServerEventPayload<E>): void;
  /** Subscribes every connected socket of the user to the room's broadcasts. */
  addUserToRoom(userId: string, roomId: string): void;
  /** Unsubscribes every socket of the user from the room's broadcasts, its open-room channel included. */
  removeUserFromRoom(userId: string, roomId: string): void;
  /**
   * Closes every socket of the user, on every node (their account was erased). Socket.IO
   * tells the client it was disconnected by the server, so it does not reconnect by itself.
   */
  disconnectUser(userId: string): void;
  /** Resolves once everything emitted so far has been handed to the bus (other nodes get it in this order). */
  flush(): Promise<void>;
}

export interface BroadcastOptions {
  /** Best-effort: dropped if the socket is not ready (typing, presence). */
  volatile?: boolean;
  /** Leave out this socket (the sender's own) */
  exceptSocketId?: string;
}

export const BROADCASTER = Symbol('Broadcaster');

export const userChannel = (userId: string) => `user:${userId}`;
export const roomChannel = (roomId: string) => `room:${roomId}`;
export const openRoomChannel = (roomId: string) => `open:${roomId}`;
