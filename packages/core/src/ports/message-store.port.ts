import type { ContentType, Message } from '@qc/shared';
import { AppError } from '../errors';
import type { SequencerScope } from './room-sequencer.port';

export interface NewMessage {
  id: string;
  roomId: string;
  senderId: string;
  clientMsgId: string;
  content: string;
  contentType: ContentType;
  replyTo: string | null;
  createdAt: Date;
  /**
   * Who it mentions, stored with it in the same commit (the rooms' "@" counts): the people it
   * names, the members online for `@here`, its thread's participants; `everyone` for `@channel`.
   * Rows for people not in the room are not kept.
   */
  mentions?: { userIds: readonly string[]; everyone: boolean };
}

export interface AppendResult {
  message: Message;
  /** false when (room, sender, clientMsgId) already existed: the original is returned. */
  created: boolean;
}

/** A send refused at commit: its sender is not a member of the room (or the room is gone). */
export const NOT_MEMBER = { refused: 'not_member' } as const;
export type BatchAppendResult = AppendResult | typeof NOT_MEMBER;

/**
 * Message history. `appendBatch` (and `append`, a batch of one) is the durability point of the delivery contract: when it
 * resolves the message is committed, has the next gap-free seq of its room, and a retry
 * with the same (room, sender, clientMsgId) returns the original.
 */
export interface MessageStore {
  /**
   * Called inside RoomSequencer.run with the scope it handed the task: a store of the same
   * engine does all its work on the scope (the connection holding the room's lock) and
   * takes nothing more from the pool. Without a scope, or with another engine's, it uses
   * its pool.
   */
  append(m: NewMessage, scope?: SequencerScope): Promise<AppendResult>;
  /**
   * Group commit: sends to ONE room, committed together in the order given (seqs follow
   * it), answered one result each in that order. A send whose sender is not a member of
   * the room at commit is not stored and is answered NOT_MEMBER; repeats (stored before,
   * or twice in the batch) are answered with the original and take no seq.
   */
  appendBatch(items: NewMessage[], scope?: SequencerScope): Promise<BatchAppendResult[]>;
  findByClientMsgId(roomId: string, senderId: string, clientMsgId: string): Promise<Message | null>;
  /** These messages of the room, as they were sent (any order; unknown ids are left out). */
  findByIds(roomId: string, ids: string[]): Promise<Message[]>;
  /** Messages with seq > afterSeq, ascending, at most `limit`. */
  listAfter(roomId: string, afterSeq: number, limit: number): Promise<Message[]>;
  /** Messages with seq < beforeSeq (or the newest when null), returned ascending, at most `limit`. */
  listBefore(roomId: string, beforeSeq: number | null, limit: number): Promise<Message[]>;
  deleteRoomMessages(roomId: string): Promise<void>;
}

/**
 * A history whose write may trail the commit of the message's seq (Cassandra behind
 * PostgreSQL): the log's `history` consumer finishes each write. Until it has, readers of
 * the store still see the message, so catch-up never misses an acked one.
 */
export interface HistoryWriter {
  /**
   * Writes committed messages (a room's run from the log) into the history, those not
   * there yet; returns how many this call wrote. Idempotent: a message is never written
   * twice, and one redelivered after it was stored is skipped.
   */
  storeLogged(messages: readonly Message[]): Promise<number>;
}

/** `append` for stores that commit through appendBatch: one send, refused FORBIDDEN when its sender is not a member. */
export async function appendOne(store: MessageStore, m: NewMessage, scope?: SequencerScope): Promise<AppendResult> {
  const [result] = await store.appendBatch([m], scope);
  if (!result || 'refused' in result) throw AppError.forbidden();
  return result;
}

export const MESSAGE_STORE = Symbol('MessageStore');
