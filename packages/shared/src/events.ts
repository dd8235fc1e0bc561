import type { ErrorBody } from './errors';
import type {
  Message,
  MessageSendPayload,
  MyRoom,
  PresenceEvent,
  PresenceSetPayload,
  RoomReadPayload,
  RoomSyncPayload,
  TypingPayload,
} from './schemas';

/** Every client event is answered through its ack with this shape. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckFn<T extends object = object> = (response: Ack<T>) => void;

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendPayload, ack: AckFn<{ message: Message }>) => void;
  'room:sync': (payload: RoomSyncPayload, ack: AckFn<{ messages: Message[]; hasMore: boolean }>) => void;
  'room:read': (payload: RoomReadPayload, ack: AckFn<{ readSeq: number }>) => void;
  typing: (payload: TypingPayload, ack?: AckFn) => void;
  'presence:set': (payload: PresenceSetPayload, ack?: AckFn) => void;
}

export interface TypingEvent {
  roomId: string;
  userId: string;
  isTyping: boolean;
}

export interface ServerToClientEvents {
  'message:new': (message: Message) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  /** My read marker moved (from another of my devices). */
  'room:read': (event: { roomId: string; readSeq: number }) => void;
  /** I was added to a room (created, invited, joined from another device). */
  'room:added': (room: MyRoom) => void;
  /** I left or was removed from a room, or it was deleted. */
  'room:removed': (event: { roomId: string }) => void;
  /** Someone joined or left a room I am in. */
  'member:changed': (event: { roomId: string; userId: string; change: 'joined' | 'left' }) => void;
}

export const CLIENT_EVENTS = [
  'message:send',
  'room:sync',
  'room:read',
  'typing',
  'presence:set',
] as const satisfies readonly (keyof ClientToServerEvents)[];
