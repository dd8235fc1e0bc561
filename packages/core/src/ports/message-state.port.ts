import type { Message, MessageUpdate } from '@qc/shared';
import type { SequencerScope } from './room-sequencer.port';

/** What a change does to a message. Each is a "set" (not a toggle), so applying it twice changes nothing the second time. */
export type MessageChange =
  | { kind: 'edit'; content: string }
  | { kind: 'delete' }
  | { kind: 'pin' }
  | { kind: 'unpin' }
  | { kind: 'reaction_add'; emoji: string }
  | { kind: 'reaction_remove'; emoji: string }
  /** A reply (already stored at `replySeq`) joins the thread under this message: its count and last reply move. */
  | { kind: 'thread_reply'; replyId: string; replySeq: number };

export interface ChangeRequest {
  /** The message as it was sent (from history), with no state applied. */
  original: Message;
  actorId: string;
  change: MessageChange;
  at: Date;
}

export type ChangeOutcome =
  /** Applied: it took the room's next seq; `update.message` is the message's new state. */
  | { applied: true; update: MessageUpdate }
  /** Nothing to change (the same text, already deleted, a reaction already there or not there): no seq taken. */
  | { applied: false; message: Message }
  /** Refused by the current state: the message was deleted, or a cap (emoji per message, pins per room) is reached. */
  | { applied: false; refused: 'deleted' | 'too-many-reactions' | 'too-many-pins'; message: Message };

/** A change in the room's order: which message, at which seq. */
export interface ChangeRef {
  seq: number;
  messageId: string;
}

/**
 * What has changed about messages since they were sent (edits, deletes, reactions), and
 * the room-ordered record of those changes. History itself stays append-only; readers
 * overlay this state on what history returns.
 */
export interface MessageStateStore {
  /**
   * Applies a change if it changes anything. An applied change is committed with the
   * room's next seq (from the same counter as new messages) before this resolves. Called
   * inside RoomSequencer.run, with its scope (see MessageStore.append).
   */
  apply(request: ChangeRequest, scope?: SequencerScope): Promise<ChangeOutcome>;
  /** The messages as they are now: edited text, tombstones, reactions, version. Same order. */
  overlay(messages: Message[]): Promise<Message[]>;
  /** Changes with seq > afterSeq, ascending, at most `limit`. */
  listChangesAfter(roomId: string, afterSeq: number, limit: number): Promise<ChangeRef[]>;
  /** The replies in the thread under `rootId` with seq > afterSeq, ascending, at most `limit`. */
  listThread(roomId: string, rootId: string, afterSeq: number, limit: number): Promise<ChangeRef[]>;
  /** Ids of the room's pinned messages, the most recently pinned first, at most `limit`. */
  listPinned(roomId: string, limit: number): Promise<string[]>;
  /** Everyone who has replied in the thread under `rootId` (its root's author aside), each once. */
  threadParticipants(roomId: string, rootId: string): Promise<string[]>;
  deleteRoom(roomId: string): Promise<void>;
}

export const MESSAGE_STATE_STORE = Symbol('MessageStateStore');
