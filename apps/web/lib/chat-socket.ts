import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  ErrorBody,
  Message,
  MessageDeletePayload,
  MessageEditPayload,
  MessagePinPayload,
  MessageSendPayload,
  PresenceSetPayload,
  ReactionPayload,
  RoomDeliveredPayload,
  RoomOpenPayload,
  RoomOpenResult,
  RoomReadPayload,
  RoomSyncPayload,
  RoomSyncResult,
  ServerToClientEvents,
  TypingPayload,
} from '@qc/shared';

/*
 * Types and requests over the socket. The socket itself (socket.io-client, about a third of
 * the chat's code) is made in live-socket.ts, a chunk the chat loads beside its first
 * render rather than before it: only `import type` from socket.io-client here.
 */
export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Longest wait for an ack; after it a send is shown as failed with a Retry button. */
export const ACK_TIMEOUT_MS = 10_000;

/** A refused or unanswered socket request. `code` is the server's, or TIMEOUT. */
export class SocketRequestError extends Error {
  constructor(
    readonly code: ErrorBody['code'] | 'TIMEOUT',
    message: string,
    /** RATE_LIMITED and OVERLOADED: how long the server asks us to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SocketRequestError';
  }
}

function settle<T extends object>(resolve: (value: T) => void, reject: (err: Error) => void) {
  return (err: Error | null, response: Ack<T>) => {
    if (err) {
      reject(new SocketRequestError('TIMEOUT', 'The server did not answer in time.'));
    } else if (!response.ok) {
      reject(new SocketRequestError(response.error.code, response.error.message, response.error.retryAfterMs));
    } else {
      resolve(response);
    }
  };
}

export function sendMessage(socket: ChatSocket, payload: MessageSendPayload): Promise<{ message: Message }> {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit('message:send', payload, settle(resolve, reject));
  });
}

export function syncRoom(socket: ChatSocket, payload: RoomSyncPayload): Promise<RoomSyncResult> {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit('room:sync', payload, settle(resolve, reject));
  });
}

/** The room this device shows now (hybrid fan-out: a large room's messages come live only where it is open). */
export function openRoom(socket: ChatSocket, payload: RoomOpenPayload): Promise<RoomOpenResult> {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit('room:open', payload, settle(resolve, reject));
  });
}

export function markRoomRead(socket: ChatSocket, payload: RoomReadPayload): Promise<{ readSeq: number }> {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit('room:read', payload, settle(resolve, reject));
  });
}

export function markRoomDelivered(socket: ChatSocket, payload: RoomDeliveredPayload): Promise<{ deliveredSeq: number }> {
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit('room:delivered', payload, settle(resolve, reject));
  });
}

/** The changes to a message; each answers with the message's whole current state. */
export type MessageChange =
  | { kind: 'edit'; payload: MessageEditPayload }
  | { kind: 'delete'; payload: MessageDeletePayload }
  | { kind: 'react'; payload: ReactionPayload }
  | { kind: 'unreact'; payload: ReactionPayload }
  | { kind: 'pin'; payload: MessagePinPayload };

export function changeMessage(socket: ChatSocket, change: MessageChange): Promise<{ message: Message }> {
  return new Promise((resolve, reject) => {
    const done = settle<{ message: Message }>(resolve, reject);
    const s = socket.timeout(ACK_TIMEOUT_MS);
    switch (change.kind) {
      case 'edit':
        return s.emit('message:edit', change.payload, done);
      case 'delete':
        return s.emit('message:delete', change.payload, done);
      case 'react':
        return s.emit('reaction:add', change.payload, done);
      case 'unreact':
        return s.emit('reaction:remove', change.payload, done);
      case 'pin':
        return s.emit('message:pin', change.payload, done);
    }
  });
}

/** Typing is volatile: a lost "is typing" is harmless and must not queue up while offline. */
export function sendTyping(socket: ChatSocket, payload: TypingPayload): void {
  if (socket.connected) socket.volatile.emit('typing', payload);
}

export function setPresence(socket: ChatSocket, payload: PresenceSetPayload): void {
  if (socket.connected) socket.volatile.emit('presence:set', payload);
}
