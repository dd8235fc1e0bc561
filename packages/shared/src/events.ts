import type { ErrorBody } from './errors';
import type { MyReport } from './cases';
import type {
  Message,
  ModeratorMute,
  RoomNotifications,
  MessageSendPayload,
  MyRoom,
  PresenceEvent,
  PresenceSetPayload,
  RoomActivity,
  RoomOpenPayload,
  User,
  RoomOpenResult,
  RoomPace,
  RoomReadPayload,
  RoomSyncPayload,
  TypingPayload,
} from './schemas';
import type {
  MessageDeletePayload,
  MessageEditPayload,
  MessagePinPayload,
  MessageUpdate,
  ReactionPayload,
  Receipt,
  RoomDeliveredPayload,
  RoomSyncResult,
} from './timeline';

/** Every client event is answered through its ack with this shape. */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type AckFn<T extends object = object> = (response: Ack<T>) => void;

export interface ClientToServerEvents {
  'message:send': (payload: MessageSendPayload, ack: AckFn<{ message: Message }>) => void;
  'room:sync': (payload: RoomSyncPayload, ack: AckFn<RoomSyncResult>) => void;
  'room:read': (payload: RoomReadPayload, ack: AckFn<{ readSeq: number }>) => void;
  'room:open': (payload: RoomOpenPayload, ack: AckFn<RoomOpenResult>) => void;
  'room:delivered': (payload: RoomDeliveredPayload, ack: AckFn<{ deliveredSeq: number }>) => void;
  'message:edit': (payload: MessageEditPayload, ack: AckFn<{ message: Message }>) => void;
  'message:delete': (payload: MessageDeletePayload, ack: AckFn<{ message: Message }>) => void;
  'message:pin': (payload: MessagePinPayload, ack: AckFn<{ message: Message }>) => void;
  'reaction:add': (payload: ReactionPayload, ack: AckFn<{ message: Message }>) => void;
  'reaction:remove': (payload: ReactionPayload, ack: AckFn<{ message: Message }>) => void;
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
  /** A change to an existing message (edit, delete, reactions), at its own seq in the room's order. */
  'message:updated': (update: MessageUpdate) => void;
  /** A member's delivered/read pointers moved (coalesced per room). */
  receipt: (receipt: Receipt) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  /** My read marker moved (from another of my devices). */
  'room:read': (event: { roomId: string; readSeq: number }) => void;
  /** My notification settings of a room changed (from another of my devices). */
  'room:notifications': (event: { roomId: string } & RoomNotifications) => void;
  /** A moderator muted me in a room (`mute`), or the mute was lifted (null). */
  'room:moderator-mute': (event: { roomId: string; mute: ModeratorMute | null }) => void;
  /** A room's staff changed its slow mode or read-only lock. */
  'room:pace': (event: RoomPace) => void;
  /** A report I made was decided (a moderator acted on it, or dismissed it). */
  'report:outcome': (report: MyReport) => void;
  /** I was added to a room (created, invited, joined from another device). */
  'room:added': (room: MyRoom) => void;
  /** I left or was removed from a room, or it was deleted. */
  'room:removed': (event: { roomId: string }) => void;
  /** A large room I do not have open has more, up to lastSeq: fetch it with room:sync when it is opened. */
  'room:activity': (event: RoomActivity) => void;
  /**
   * Someone I share a room with (or I, on another device) changed their profile: name,
   * picture or time zone. The whole public profile, to replace the one held.
   */
  'user:updated': (user: User) => void;
  /** Someone joined or left a room I am in. */
  'member:changed': (event: { roomId: string; userId: string; change: 'joined' | 'left' }) => void;
}

export const CLIENT_EVENTS = [
  'message:send',
  'room:sync',
  'room:read',
  'room:open',
  'room:delivered',
  'message:edit',
  'message:delete',
  'message:pin',
  'reaction:add',
  'reaction:remove',
  'typing',
  'presence:set',
] as const satisfies readonly (keyof ClientToServerEvents)[];
