import type { Message, SearchHit } from '@qc/shared';

export interface SearchQuery {
  /** What the person typed; adapters treat it as words, never as query syntax of their engine. */
  text: string;
  /** The rooms to look in (the caller has already checked membership); empty finds nothing. */
  roomIds: string[];
  limit: number;
}

/**
 * Full-text search over messages. Fed by the log consumer `indexer` (createIndexHandler),
 * which sees a record at least once: indexing is keyed by message id, so a redelivery
 * changes nothing.
 */
export interface SearchIndex {
  /** Idempotent by message id. */
  index(message: Message): Promise<void>;
  /** Takes a deleted message out (no-op if it is not there). */
  remove(message: Message): Promise<void>;
  /** Only within `roomIds`; best match first, then newest. A word's prefix finds the word. */
  search(q: SearchQuery): Promise<SearchHit[]>;
  /**
   * Forgets every message of a room; called when the room is deleted. Where the index is the
   * history itself (PostgreSQL), this deletes the room's history too.
   */
  deleteRoom(roomId: string): Promise<void>;
}

export const SEARCH_INDEX = Symbol('SearchIndex');
