import type { Message, SearchCursor, SearchHit } from '@qc/shared';

export interface SearchQuery {
  /** What the person typed; adapters treat it as words, never as query syntax of their engine. */
  text: string;
  /** The rooms to look in (the caller has already checked membership); empty finds nothing. */
  roomIds: string[];
  /** Only messages this person sent. */
  senderId?: string;
  /** Only messages sent at or after this instant (ISO date-time). */
  sentFrom?: string;
  /** Only messages sent before this instant (ISO date-time). */
  sentBefore?: string;
  /** Only hits after this one in the order below: the last hit of the page before. */
  after?: SearchCursor;
  limit: number;
}

/** A change the `indexer` consumer hands over: a message to (re)index, or a deleted one to take out. */
export type IndexChange = { op: 'index'; message: Message } | { op: 'remove'; message: Message };

/**
 * Full-text search over messages. Fed by the log consumer `indexer` (createIndexHandler),
 * which sees a record at least once: writes are keyed by message id and versioned by the
 * message's newest change, so a redelivery changes nothing.
 */
export interface SearchIndex {
  /**
   * Applies a room's run of changes in one request (Elasticsearch: one `_bulk`), rather
   * than a round trip per message. Idempotent by message id; a change older than what the
   * index holds is dropped; removing what is not there is a no-op. Resolves once every
   * change is applied, and throws if any one was refused, so the log hands the run over again.
   */
  apply(changes: readonly IndexChange[]): Promise<void>;
  /**
   * Only within `roomIds` (and the other filters given). Newest first: by createdAt (to the
   * millisecond), then room id, then seq, all descending; a total order, so paging by
   * `after` neither repeats a hit nor skips one. Every word must be there; the last one may
   * be the start of a word (`hel` finds `hello` while typing). Each hit carries a snippet
   * around the match with the matched words marked.
   */
  search(q: SearchQuery): Promise<SearchHit[]>;
  /**
   * Forgets every message of a room; called when the room is deleted. Where the index is the
   * history itself (PostgreSQL), this deletes the room's history too.
   */
  deleteRoom(roomId: string): Promise<void>;
}

export const SEARCH_INDEX = Symbol('SearchIndex');
