import { z } from 'zod';
import type { ContentType, Role, RoomKind, RoomNotifications } from './schemas';

/*
 * "Your data" (the design documents' GDPR/CCPA constraint): a person downloads everything
 * the product holds about them (`GET /users/me/export`) and deletes their account
 * (`DELETE /users/me`).
 */

/** The name an erased account goes by wherever its id still appears (its kept messages, a DM's other side). */
export const DELETED_USER_NAME = 'Deleted user';

/**
 * What becomes of a deleted account's messages, the person's choice: kept, with their text,
 * under "Deleted user" (as Slack does), so the others' conversations still read whole; or
 * removed: each becomes a tombstone as if its author had deleted it, and its text is erased.
 */
export const DELETED_MESSAGES_CHOICES = ['keep-as-deleted-user', 'remove'] as const;
export type DeletedMessagesChoice = (typeof DELETED_MESSAGES_CHOICES)[number];

/** `DELETE /users/me`: the password again (a left-open laptop is not enough), and the choice for the messages. */
export const deleteAccountBody = z
  .object({
    password: z.string().min(1, 'enter your password').max(128),
    messages: z.enum(DELETED_MESSAGES_CHOICES, {
      errorMap: () => ({ message: `say what becomes of your messages: ${DELETED_MESSAGES_CHOICES.join(' or ')}` }),
    }),
  })
  .strict();
export type DeleteAccountBody = z.infer<typeof deleteAccountBody>;

/** The export's file name: `quantum-chat-<username>-<YYYY-MM-DD>.json`. */
export const exportFileName = (username: string, at: Date) => `quantum-chat-${username}-${at.toISOString().slice(0, 10)}.json`;

/** A signed-in device: one refresh-token family, from sign-in to its last refresh. No token, no hash. */
export interface ExportedSession {
  id: string;
  startedAt: string;
  /** Its last refresh (each use of the refresh token is one). */
  lastUsedAt: string;
  expiresAt: string;
  /** When it was signed out or ended for safety; null while it is still open. */
  endedAt: string | null;
}

export interface ExportedRoom {
  id: string;
  kind: RoomKind;
  /** Null for a direct conversation (it is named after the other person). */
  name: string | null;
  topic: string | null;
  role: Role;
  joinedAt: string;
  /** Your receipts: read, and delivered to some device of yours, up to these seqs. */
  readSeq: number;
  deliveredSeq: number;
  lastSeq: number;
  /** What the room tells you of (your level, or the room kind's default) and a mute. */
  notifications: RoomNotifications;
}

/** One text a message had, from `from` until the next one replaced it. */
export interface ExportedVersion {
  content: string;
  from: string;
}

/** A message you sent, as it is now. */
export interface ExportedMessage {
  id: string;
  roomId: string;
  seq: number;
  clientMsgId: string;
  contentType: ContentType;
  createdAt: string;
  /** Its text now: empty when deleted. */
  content: string;
  replyTo: string | null;
  threadRootId: string | null;
  editedAt: string | null;
  deletedAt: string | null;
  deletedBy: string | null;
  /** Every text it had before the current one, oldest first (for a deleted message, all it had, while they are kept). */
  earlierVersions: ExportedVersion[];
  /** Reactions on it, counted: who reacted is the other people's data. */
  reactions: { emoji: string; count: number }[];
}

/** A reaction you made on a message (yours or someone else's). */
export interface ExportedReaction {
  roomId: string;
  messageId: string;
  emoji: string;
  at: string;
}

/** A file you uploaded, sent with a message or not (yet). */
export interface ExportedUpload {
  id: string;
  roomId: string;
  /** The message it went out with; null if it was never sent (removed a day after upload). */
  messageId: string | null;
  name: string;
  size: number;
  mimeType: string;
  kind: 'image' | 'file';
  width: number | null;
  height: number | null;
  uploadedAt: string;
}

/** A message you pinned that is still pinned. */
export interface ExportedPin {
  roomId: string;
  messageId: string;
  pinnedAt: string;
}

/** `GET /users/me/export`: the whole file, in this key order (messages last, streamed). */
export interface MyDataExport {
  format: 'quantum-chat-export';
  version: 1;
  exportedAt: string;
  profile: {
    id: string;
    username: string;
    displayName: string;
    avatarUrl: string | null;
    createdAt: string;
    lastSeenAt: string | null;
  };
  sessions: ExportedSession[];
  rooms: ExportedRoom[];
  /** Files you uploaded: what they are and where they went, not their bytes (each is downloadable from its message). */
  uploads: ExportedUpload[];
  pins: ExportedPin[];
  reactions: ExportedReaction[];
  messages: ExportedMessage[];
}
