import type { InstanceRole } from './moderation';
import { z } from 'zod';
import { LIMITS } from './limits';
import { seqParam, userText, uuid } from './text';
import { messageContent, type Reaction } from './timeline';

/*
 * Every payload that crosses the wire is defined here, once. Objects are `.strict()`:
 * an unknown key (including `__proto__`) is refused rather than silently carried along.
 */

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

// ---------- accounts ----------

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'at least 3 characters')
  .max(32, 'at most 32 characters')
  .regex(/^[a-zA-Z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only')
  .transform((s) => s.toLowerCase());

export const passwordSchema = z.string().min(8, 'at least 8 characters').max(128, 'at most 128 characters');

export const displayNameSchema = userText({ min: 1, max: 64, name: true });

export const registerBody = z
  .object({
    username: usernameSchema,
    password: passwordSchema,
    displayName: displayNameSchema.optional(),
  })
  .strict();
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z
  .object({
    username: usernameSchema,
    password: z.string().min(1).max(128),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBody>;

/** Whether this runtime's time zone database knows `name` (aliases such as `Asia/Calcutta` included). */
export function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * An IANA time zone name (`Europe/Paris`), for showing a person's local time to others.
 * Stored as given, not canonicalised: runtimes disagree on canonical names (Node 20 turns
 * `Europe/Kyiv` into `Europe/Kiev`), and a browser must find again the name it sent.
 * UTC offsets (`+05:00`) are refused: they do not follow daylight saving time.
 */
export const timeZoneSchema = z
  .string()
  .trim()
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be an IANA time zone name such as "Europe/Paris"')
  .refine(isKnownTimeZone, 'unknown time zone (an IANA name such as "Europe/Paris")');

/** A picture is not set here: it is uploaded with PUT /users/me/avatar and removed with DELETE (avatars.ts). */
export const patchMeBody = z
  .object({
    displayName: displayNameSchema.optional(),
    /** null clears it. */
    timeZone: timeZoneSchema.nullable().optional(),
  })
  .strict();
export type PatchMeBody = z.infer<typeof patchMeBody>;

export const userSearchQuery = z.object({ q: userText({ min: 1, max: 64 }) }).strict();

export const userIdParam = z.object({ userId: uuid }).strict();

export interface User {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  createdAt: string;
  /**
   * Their IANA time zone, for showing others their local time; null when they never said.
   * The api always sends it; optional so that a user built by hand (a placeholder for
   * someone not loaded) need not invent one.
   */
  timeZone?: string | null;
  /** The instance's staff: `admin` or `moderator`; absent for everyone else. */
  instanceRole?: InstanceRole;
}

export interface AuthResponse {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  user: User;
}

// ---------- rooms ----------

export const ROOM_KINDS = ['direct', 'group', 'channel'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
/** A room's roles, most trusted first: a moderator deletes, mutes and kicks members; an admin also manages the room; the owner everything. */
export const ROLES = ['owner', 'admin', 'moderator', 'member'] as const;
export type Role = (typeof ROLES)[number];

const roomName = userText({ min: 1, max: 80, name: true });
const roomTopic = userText({ max: 250 });

export const createRoomBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: uuid }).strict(),
  z
    .object({
      kind: z.literal('group'),
      name: roomName,
      memberIds: z.array(uuid).max(LIMITS.groupInitialMembersMax).default([]),
    })
    .strict(),
  z.object({ kind: z.literal('channel'), name: roomName, topic: roomTopic.optional() }).strict(),
]);
export type CreateRoomBody = z.infer<typeof createRoomBody>;

export const patchRoomBody = z.object({ name: roomName.optional(), topic: roomTopic.nullable().optional() }).strict();
export type PatchRoomBody = z.infer<typeof patchRoomBody>;

/** `GET /rooms` lists my rooms; `GET /rooms?browse=channels` lists public channels to join. */
export const listRoomsQuery = z
  .object({
    browse: z.literal('channels').optional(),
    q: userText({ max: 80 }).optional(),
  })
  .strict();

export const addMemberBody = z.object({ userId: uuid, role: z.enum(['admin', 'moderator', 'member']).optional() }).strict();
export type AddMemberBody = z.infer<typeof addMemberBody>;

export const roomIdParam = z.object({ roomId: uuid }).strict();
export const memberParams = z.object({ roomId: uuid, userId: uuid }).strict();

export interface Room {
  id: string;
  kind: RoomKind;
  /** For a direct room, the other person's display name. */
  name: string;
  topic: string | null;
  createdAt: string;
  /** Who made the room (a channel's intro names them). */
  createdBy: string;
  /** Highest seq in the room: a client that has seen less has something to catch up. */
  lastSeq: number;
  memberCount: number;
  /** Slow mode: each member (moderators and up aside) may send one message every this many seconds; absent when off. */
  slowModeSeconds?: number;
  /** Locked read-only: only its moderators and up may post; absent when not. */
  readOnly?: boolean;
  /** Archived by the instance's staff: kept to read, nobody posts, not in the directory; absent when not. */
  archived?: boolean;
}

/** A room's pace, as its staff set it and its members are told (`room:pace`). */
export interface RoomPace {
  roomId: string;
  slowModeSeconds: number;
  readOnly: boolean;
  /** Archived: nobody posts, whatever their role. */
  archived: boolean;
}

/** A moderator's mute of me in a room, as my room list shows it. */
export interface ModeratorMute {
  until: string;
  reason: string | null;
}

/** A room as one member sees it in their list. */
export interface MyRoom extends Room {
  role: Role;
  readSeq: number;
  unreadCount: number;
  /** Unread messages that mention them (or everyone, or reply in a thread they are in): the room list's "@" badge. */
  mentionCount: number;
  /** How this room may tell them of new messages, the same on every device. */
  notifications: RoomNotifications;
  /** A moderator muted them here: their sends are refused MUTED until then (why, if said); absent when not. */
  mutedByModerator?: ModeratorMute;
  lastMessage: Message | null;
  /** For direct rooms: the other person. */
  peer: User | null;
  /** For direct rooms: the other person's presence when the room was read (then `presence` events keep it fresh). */
  peerPresence: PresenceStatus | null;
}

export const NOTIFY_LEVELS = ['all', 'mentions', 'none'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

export interface RoomNotifications {
  /** all: every message; mentions: only what mentions them (DMs count as mentions); none: nothing. */
  level: NotifyLevel;
  /** Until then nothing tells them, whatever the level (ISO time); null when not muted. */
  mutedUntil: string | null;
}

/** `PUT /rooms/:roomId/notifications`: a mute ends within a year, and not in the past. */
export const roomNotificationsBody = z
  .object({
    level: z.enum(NOTIFY_LEVELS),
    mutedUntil: z
      .string()
      .datetime({ offset: true })
      .nullable()
      .optional()
      .refine((v) => v == null || Date.parse(v) <= Date.now() + 366 * 24 * 3600 * 1000, 'a mute ends within a year'),
  })
  .strict();
export type RoomNotificationsBody = z.infer<typeof roomNotificationsBody>;

/** A public channel as `GET /rooms?browse=channels` lists it. */
export interface BrowsedChannel extends Room {
  joined: boolean;
}

export interface Member {
  roomId: string;
  userId: string;
  role: Role;
  joinedAt: string;
  readSeq: number;
  user: User;
  presence: PresenceStatus;
}

// ---------- messages ----------

/** `image`: every attachment is an image (shown inline); `file`: attachments of any kind, shown as cards. */
export const CONTENT_TYPES = ['text', 'image', 'file'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/**
 * A file that went out with a message (POST /uploads, then `attachmentIds` on the send).
 * Its bytes are fetched with a short-lived link (POST /uploads/links), never by a public URL.
 */
export interface Attachment {
  id: string;
  /** As the sender's device named it. */
  name: string;
  size: number;
  /** Sniffed from the bytes on upload; `application/octet-stream` when not recognised. */
  mimeType: string;
  kind: 'image' | 'file';
  width: number | null;
  height: number | null;
  /** An image's blurred placeholder (blurhash), drawn while it loads. */
  blurhash: string | null;
  /** Widths of the thumbnails there are, in px, smallest first (GET /uploads/:id/thumbnail?width=). */
  thumbnails: number[];
}

/** A client-chosen id that makes a retry of the same send land once. */
export const clientMsgIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "_" and "-" only');

export const messageSendPayload = z
  .object({
    roomId: uuid,
    clientMsgId: clientMsgIdSchema,
    /** May be empty only when files go with it (a photo without a caption). */
    content: messageContent.or(z.literal('')),
    /** Left out: `text`, or with attachments `image` when all are images, else `file`. */
    contentType: z.enum(CONTENT_TYPES).optional(),
    replyTo: uuid.nullable().optional(),
    /** A reply in the thread under this message (of the same room, itself not in a thread). */
    threadRootId: uuid.optional(),
    /** The sender's own uploads to this room, not sent before, in the order they are shown. */
    attachmentIds: z.array(uuid).min(1).max(LIMITS.attachmentsPerMessageMax).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const files = p.attachmentIds?.length ?? 0;
    if (p.content === '' && files === 0) ctx.addIssue({ code: 'custom', path: ['content'], message: 'write something or attach a file' });
    if (p.contentType && p.contentType !== 'text' && files === 0) {
      ctx.addIssue({ code: 'custom', path: ['attachmentIds'], message: `a ${p.contentType} message needs attachmentIds` });
    }
    if (p.contentType === 'text' && files > 0) {
      ctx.addIssue({ code: 'custom', path: ['contentType'], message: 'a message with attachments is image or file, not text' });
    }
    if (p.attachmentIds && new Set(p.attachmentIds).size !== files) {
      ctx.addIssue({ code: 'custom', path: ['attachmentIds'], message: 'the same file twice' });
    }
  });
export type MessageSendPayload = z.infer<typeof messageSendPayload>;

export interface Message {
  id: string;
  roomId: string;
  /** Per-room, gap-free: 1, 2, 3 … */
  seq: number;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: ContentType;
  replyTo: string | null;
  createdAt: string;
  /*
   * Its state since: absent on a message that was never changed (and on older servers'
   * answers); set by every read of history, sync and `message:updated`.
   */
  /** When its author last edited it; null if never. */
  editedAt?: string | null;
  /** When it was deleted: a tombstone, with empty content and no reactions. */
  deletedAt?: string | null;
  /** Who deleted it (the author, or a room owner or admin). */
  deletedBy?: string | null;
  reactions?: Reaction[];
  /** The message whose thread this one is in; null for a message of the room's main timeline. */
  threadRootId?: string | null;
  /** On a thread's first message: how many replies it has, and when the last came. */
  replyCount?: number;
  lastReplyAt?: string | null;
  /** When it was pinned to the room, and by whom; null if it is not pinned. */
  pinnedAt?: string | null;
  pinnedBy?: string | null;
  /** The seq of the newest change applied to it (its own seq if none): an update older than this is stale. */
  version?: number;
  /** Its files, in the order sent (image and file messages; none once it is deleted). */
  attachments?: Attachment[];
  /**
   * On `message:new` and the send's ack only: whom it mentions (its `<@…>` people, the members
   * online for `@here`, the participants of the thread it replies in) and whether `@channel`
   * told everyone. A client decides from it whether to notify; history does not carry it
   * (a room's unread mentions are counted by the server: MyRoom.mentionCount).
   */
  mentions?: MessageMentions;
}

export interface MessageMentions {
  userIds: string[];
  everyone: boolean;
}

const limitParam = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

export const historyQuery = z
  .object({
    before: seqParam(1).optional(),
    after: seqParam(0).optional(),
    limit: limitParam(LIMITS.historyPageMax, LIMITS.historyPageDefault),
  })
  .strict()
  .refine((q) => !(q.before !== undefined && q.after !== undefined), {
    message: 'give either before or after, not both',
  });
export type HistoryQuery = z.infer<typeof historyQuery>;

export interface HistoryPage {
  /** Always ascending by seq. */
  messages: Message[];
  hasMore: boolean;
}

export const roomSyncPayload = z
  .object({
    roomId: uuid,
    afterSeq: seq,
    limit: z.number().int().min(1).max(LIMITS.syncPageMax).optional(),
  })
  .strict();
export type RoomSyncPayload = z.infer<typeof roomSyncPayload>;

/**
 * `room:open`: the room this socket shows now (null: none). A socket has at most one open
 * room; in a large room (hybrid fan-out) only sockets that have it open get its messages
 * live, the others a coalesced `room:activity`.
 */
export const roomOpenPayload = z.object({ roomId: uuid.nullable() }).strict();
export type RoomOpenPayload = z.infer<typeof roomOpenPayload>;

/**
 * The answer to `room:open`. `pull`: the room is large, so while it was not open this
 * socket was told only `room:activity`, and it must catch up by `room:sync` now that it is
 * (after this answer: from now on its messages come live).
 */
export interface RoomOpenResult {
  roomId: string | null;
  pull: boolean;
}

/** In a large room, for members' sockets that do not have it open: there is more, up to lastSeq (coalesced per room). */
export interface RoomActivity {
  roomId: string;
  lastSeq: number;
}

export const roomReadPayload = z.object({ roomId: uuid, seq }).strict();
export type RoomReadPayload = z.infer<typeof roomReadPayload>;

export const typingPayload = z.object({ roomId: uuid, isTyping: z.boolean() }).strict();
export type TypingPayload = z.infer<typeof typingPayload>;

// ---------- presence ----------

export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** A device tells the server whether its person is looking (`online`) or idle (`away`). */
export const presenceSetPayload = z.object({ status: z.enum(['online', 'away']) }).strict();
export type PresenceSetPayload = z.infer<typeof presenceSetPayload>;

export interface PresenceEvent {
  userId: string;
  status: PresenceStatus;
  /** ISO time of the last activity; null if never seen. */
  lastSeen: string | null;
}

/** `GET /users/:userId`: a person's profile card (who they are, whether they are here, their time zone). */
export interface UserProfile extends User {
  timeZone: string | null;
  presence: PresenceStatus;
  /** ISO time of their last activity; null if never seen. */
  lastSeen: string | null;
}

/** A node's database connection pool when it was checked. */
export interface DatabasePoolUsage {
  /** Connections open, busy or idle. */
  total: number;
  idle: number;
  /** Requests waiting for a connection: above 0 only while every connection is busy. */
  waiting: number;
  /** The most it opens (DATABASE_POOL_SIZE). */
  max: number;
}

export interface HealthReport {
  /**
   * ok: all is well. degraded: this node serves, but Redis or Elasticsearch is away, or a
   * consumer of the message log has nobody running it, so some effects wait (presence, live
   * delivery, notifications or search; clients still catch up by room:sync), or its database
   * pool is exhausted, so sends wait for a connection. down: this node cannot serve: its
   * PostgreSQL, Cassandra or message log is away (HTTP 503).
   */
  status: 'ok' | 'degraded' | 'down';
  uptimeSeconds: number;
  /**
   * One per engine and the message log. degraded: it answers, but this node is short of it
   * (`error` says why and what to do). `pool`: the database check's connection pool.
   */
  checks: Record<string, { status: 'up' | 'degraded' | 'down'; latencyMs?: number; error?: string; pool?: DatabasePoolUsage }>;
  /** Each consumer of the message log this profile needs, wherever it runs (empty when the log did not answer). */
  consumers: Record<string, { members: number; lag: number | null }>;
  /**
   * This node's rooms' commit queues: sends and changes waiting or committing, in how many
   * rooms, the bound past which they are refused OVERLOADED, and how many were refused since
   * start. A depth near the bound is a node past what it can do: add nodes or shed load.
   */
  queues: { commits: { depth: number; rooms: number; limit: number; refused: number } };
}

// ---------- search ----------

/** `2025-03-01`: a calendar day (zod checks it exists: no 2025-02-30). */
const isoDate = z.string().date();
/** `2025-03-01T09:30:00Z`, `…T09:30:00.250+02:00`: an instant; the zone is required, so nothing depends on the server's. */
const isoDateTime = z.string().datetime({ offset: true });

/**
 * A point in time in a query string, given as an ISO 8601 date (midnight UTC of that day) or
 * date-time with a zone, and passed on as an ISO date-time in UTC. Nothing else: Date.parse
 * would guess at `03/01/2025` or `yesterday`, and an unparsable date must be VALIDATION, not
 * a 500 from the engine.
 */
export const instantParam = z
  .string()
  .max(40, 'at most 40 characters')
  .refine(
    (s) => isoDate.safeParse(s).success || isoDateTime.safeParse(s).success,
    'must be an ISO 8601 date (2025-03-01) or date-time with a zone (2025-03-01T09:30:00Z)',
  )
  .transform((s) => new Date(s).toISOString());

/** Where a page of search hits ended: the last hit's place in the newest-first order. */
export interface SearchCursor {
  createdAt: string;
  roomId: string;
  seq: number;
}

/**
 * A cursor travels as `<createdAt epoch ms>.<seq>.<roomId>`: short, URL-safe, and checked
 * part by part when it comes back, so a forged one is VALIDATION, never a query the engine
 * chokes on. Clients pass `nextCursor` back as it came and need not read it.
 */
export function encodeSearchCursor(c: SearchCursor): string {
  return `${Date.parse(c.createdAt)}.${c.seq}.${c.roomId}`;
}

const CURSOR_SHAPE = /^(\d{1,15})\.(\d{1,16})\.([0-9a-fA-F-]{36})$/;

export const searchCursorParam = z
  .string()
  .max(80)
  .transform((s, ctx): SearchCursor => {
    const m = CURSOR_SHAPE.exec(s);
    const ms = m ? Number(m[1]) : NaN;
    const seq = m ? Number(m[2]) : NaN;
    const roomId = uuid.safeParse(m?.[3]);
    // 8.64e15 ms is the last instant a Date holds.
    if (!m || !(ms <= 8.64e15) || !Number.isSafeInteger(seq) || !roomId.success) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'is not a cursor this api gave out (pass nextCursor back as it came)' });
      return z.NEVER;
    }
    return { createdAt: new Date(ms).toISOString(), seq, roomId: roomId.data };
  });

/**
 * `GET /search/messages?q=&roomId=&from=&after=&before=&cursor=&limit=`: messages of my rooms
 * (or of one of them), optionally only those one person sent (`from`, a user id) and only
 * those sent at or after `after` and before `before` (half-open, so two adjacent ranges
 * never share a message). Newest first; `cursor` is the previous page's `nextCursor`.
 */
export const searchMessagesQuery = z
  .object({
    q: userText({ min: 1, max: 200 }),
    roomId: uuid.optional(),
    from: uuid.optional(),
    after: instantParam.optional(),
    before: instantParam.optional(),
    cursor: searchCursorParam.optional(),
    limit: limitParam(50, 20),
  })
  .strict()
  .refine((q) => q.after === undefined || q.before === undefined || q.after < q.before, {
    message: 'after must be earlier than before',
    path: ['after'],
  });
export type SearchMessagesQuery = z.infer<typeof searchMessagesQuery>;
/** The query as a client writes it (every value a string, before parsing). */
export type SearchMessagesParams = Partial<Record<'q' | 'roomId' | 'from' | 'after' | 'before' | 'cursor' | 'limit', string>>;

export interface SearchHit {
  message: Message;
  /** A short plain-text snippet around the match (never HTML), or null when there is none. */
  highlight: string | null;
  /**
   * The matched words in `highlight`, as [start, end) offsets into it (UTF-16 code units,
   * as JavaScript indexes strings), ascending and apart. The client wraps each in a <mark>
   * element it creates itself: the snippet stays text, whatever it contains.
   */
  marks: [start: number, end: number][];
}

export interface SearchResult {
  /** Newest first (by createdAt, then room id, then seq: a total order, so pages never overlap). */
  hits: SearchHit[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  nextCursor: string | null;
}
