import { z } from 'zod';
import { LIMITS } from './limits';
import { seqParam, userText, uuid } from './text';
import type { Message } from './schemas';

/*
 * The room stream beyond new messages (DESIGN.md "The room timeline is one ordered stream"):
 * an edit, a delete, a reaction added or removed, a pin, takes the room's next seq like a
 * message does, and goes out as `message:updated` with the message's whole current state.
 */

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A change to an existing message, at its own place (`seq`) in the room's order. */
export interface MessageUpdate {
  roomId: string;
  /** The change's own seq (not the message's). */
  seq: number;
  /** The message as it is now: a later update of the same message supersedes this one. */
  message: Message;
}

/** One emoji on one message: how many people, and who (the first LIMITS.reactionUsersShown of them). */
export interface Reaction {
  emoji: string;
  count: number;
  userIds: string[];
  /** Whether the person this was sent to is among them (set per reader, by the client). */
  me?: boolean;
}

/** What a message may say: the same rule for a send and an edit (multi-line; see userText). */
export const messageContent = userText({ min: 1, max: LIMITS.messageContentMax, multiline: true });

/**
 * One emoji, as Unicode (not a :shortcode:): pictographs with their variation selectors,
 * skin tones and zero-width joiners (👍🏽, 👨‍👩‍👧), flags (two regional indicators), keycaps (1️⃣).
 */
const EMOJI =
  /^(?:\p{Regional_Indicator}{2}|(?:\p{Extended_Pictographic}|[#*0-9]\uFE0F?\u20E3)(?:\uFE0F|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}])*(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})*)*)$/u;
export const emojiSchema = z
  .string()
  .min(1)
  .max(LIMITS.reactionEmojiMaxLength, 'one emoji, please')
  .refine((s) => EMOJI.test(s), 'must be one emoji (as a Unicode character, like 👍)');

export const messageRef = z.object({ roomId: uuid, messageId: uuid }).strict();
export type MessageRef = z.infer<typeof messageRef>;

/** `message:edit`: the author only; the new text follows the same rules as a send. */
export const messageEditPayload = z.object({ roomId: uuid, messageId: uuid, content: messageContent }).strict();
export type MessageEditPayload = z.infer<typeof messageEditPayload>;

/** REST body of PATCH /rooms/:roomId/messages/:messageId. */
export const messageEditBody = z.object({ content: messageContent }).strict();
export type MessageEditBody = z.infer<typeof messageEditBody>;

/** `message:delete`: the author, or a room owner or admin. */
export const messageDeletePayload = messageRef;
export type MessageDeletePayload = MessageRef;

/** `reaction:add` / `reaction:remove`: any member. */
export const reactionPayload = z.object({ roomId: uuid, messageId: uuid, emoji: emojiSchema }).strict();
export type ReactionPayload = z.infer<typeof reactionPayload>;

/** `message:pin`: any member pins a message to the room, or unpins it (`pinned: false`). */
export const messagePinPayload = z.object({ roomId: uuid, messageId: uuid, pinned: z.boolean() }).strict();
export type MessagePinPayload = z.infer<typeof messagePinPayload>;

/** `GET /rooms/:roomId/pins`: the room's pinned messages, the most recently pinned first. */
export interface PinnedMessages {
  messages: Message[];
}

/** `GET /rooms/:roomId/messages/:messageId/thread?after=SEQ&limit=N`: a thread's replies after a seq. */
export const threadQuery = z
  .object({
    after: seqParam(0).default(0),
    limit: z.coerce.number().int().min(1).max(LIMITS.historyPageMax).default(LIMITS.historyPageDefault),
  })
  .strict();
export type ThreadQuery = z.infer<typeof threadQuery>;

/** A thread: its first message and its replies, ascending by seq, as they are now. */
export interface ThreadPage {
  root: Message;
  replies: Message[];
  hasMore: boolean;
}

/** REST body of POST|DELETE /rooms/:roomId/messages/:messageId/reactions. */
export const reactionBody = z.object({ emoji: emojiSchema }).strict();
export type ReactionBody = z.infer<typeof reactionBody>;

/** `:roomId/messages/:messageId` in REST paths. */
export const messageParams = z.object({ roomId: uuid, messageId: uuid }).strict();

/** The answer to `room:sync`: messages created after afterSeq and changes after it, together exactly afterSeq+1 … up to where the page ends. */
export interface RoomSyncResult {
  messages: Message[];
  updates: MessageUpdate[];
  /** More after the last seq of this page: ask again from it. */
  hasMore: boolean;
}

// ---------- receipts ----------

/** `room:delivered`: the highest seq this device has received in the room. */
export const roomDeliveredPayload = z.object({ roomId: uuid, seq }).strict();
export type RoomDeliveredPayload = z.infer<typeof roomDeliveredPayload>;

/** A member's two pointers in a room: delivered to some device of theirs, and read, up to these seqs. */
export interface Receipt {
  roomId: string;
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

/** `GET /rooms/:roomId/receipts`: every member's pointers, one per member. */
export interface RoomReceipts {
  receipts: Receipt[];
}
