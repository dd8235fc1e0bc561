import type { DataSource } from 'typeorm';
import type { SearchHit } from '@qc/shared';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, markedSnippet, searchWords } from '../../lib/search-snippet';
import type { IndexChange, SearchIndex, SearchQuery } from '../../ports/search-index.port';
import { queryRows } from './pg-rows';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './postgres-message-store.adapter';

interface HitRow extends MessageRow {
  headline: string | null;
}

/*
 * ts_headline options. The markers are control characters message content cannot hold, so
 * markedSnippet() finds them unambiguously and hands clients plain text and offsets: no
 * HTML from here ever. One fragment of up to 20 words.
 */
const MARKERS = `StartSel="${HIGHLIGHT_PRE}", StopSel="${HIGHLIGHT_POST}"`;
const HEADLINE_OPTIONS = `${MARKERS}, MaxWords=20, MinWords=6, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "`;
/** A short message is its own snippet: all of it, marked (a fragment would also trim punctuation at its ends: `is it done?` would lose its `?`). */
const WHOLE_OPTIONS = `${MARKERS}, HighlightAll=true`;

/*
 * ts_headline's parser takes anything shaped like `<tag …>` for markup and drops it from
 * the snippet (`x<y and y>z` comes out as `x z`). A message is plain text, so each `<` is
 * handed over as chr(1) and put back after: message content cannot contain control
 * characters (the send schema refuses them), so the stand-in is never ambiguous.
 */
const TAG_OPEN_STAND_IN = '\u0001';

/** Up to this length a message is its own snippet. */
const WHOLE_SNIPPET_MAX = 150;

/*
 * Messages are found by their text as it is now: an unchanged message by its row in
 * `messages`, an edited one by its state's text (message_states.content_tsv, also GIN
 * indexed); a deleted one not at all. Each branch uses its own index.
 *
 * The query is two tsqueries ORed:
 *  - websearch_to_tsquery($1): the text parsed the way the content was (so `3.14` or an
 *    e-mail address stay one token), never raising on any input. Its operators are
 *    neutralised first (websearchText): a search means the same words here as in
 *    Elasticsearch;
 *  - to_tsquery($2): the same words ANDed with the last one as a prefix (`hel` finds
 *    `hello` while typing). $2 is built from searchWords() — letters, marks and digits
 *    only — so no tsquery operator can reach it; it is a bind parameter all the same.
 *
 * Filters ($7 sender, $8/$9 the time range, $10-$12 the cursor) are NULL when not asked
 * for. Newest first, by created_at to the millisecond (what a Message and a cursor carry),
 * then room id, then seq: a total order, so the cursor's row comparison pages exactly. The
 * snippet is made only for the page that is returned.
 */
const SEARCH_SQL = `
  WITH q AS (
    SELECT websearch_to_tsquery('simple', $1) || COALESCE(to_tsquery('simple', $2), ''::tsquery) AS query
  )
  SELECT hit.*,
         ts_headline('simple', replace(hit.content, '<', chr(1)), q.query,
                     CASE WHEN char_length(hit.content) <= ${WHOLE_SNIPPET_MAX} THEN $6 ELSE $5 END) AS headline
  FROM (
    SELECT * FROM (
      SELECT ${MESSAGE_COLUMNS}, date_trunc('milliseconds', m.created_at) AS at_ms
      FROM messages m, q
      WHERE m.room_id = ANY($3::uuid[]) AND m.content_tsv @@ q.query
        AND NOT EXISTS (SELECT 1 FROM message_states s WHERE s.message_id = m.id AND (s.content IS NOT NULL OR s.deleted_at IS NOT NULL))
      UNION ALL
      SELECT m.id, m.room_id, m.seq, m.sender_id, m.client_msg_id, s.content, m.content_type, m.reply_to, m.created_at,
             date_trunc('milliseconds', m.created_at) AS at_ms
      FROM message_states s JOIN messages m ON m.id = s.message_id, q
      WHERE s.room_id = ANY($3::uuid[]) AND s.deleted_at IS NULL AND s.content IS NOT NULL AND s.content_tsv @@ q.query
    ) found
    WHERE ($7::uuid IS NULL OR found.sender_id = $7::uuid)
      AND ($8::timestamptz IS NULL OR found.created_at >= $8::timestamptz)
      AND ($9::timestamptz IS NULL OR found.created_at < $9::timestamptz)
      AND ($10::timestamptz IS NULL OR (found.at_ms, found.room_id, found.seq) < ($10::timestamptz, $11::uuid, $12::bigint))
    ORDER BY at_ms DESC, room_id DESC, seq DESC
    LIMIT $4
  ) hit, q
  ORDER BY hit.at_ms DESC, hit.room_id DESC, hit.seq DESC`;

/**
 * websearch_to_tsquery has three operators: `"phrase"`, `-word` (without word) and `or`.
 * ORed with the prefix query, `-x` would match nearly every message and `a or b` more than
 * Elasticsearch finds, so all three become plain words: quotes and `-` are separators,
 * and a lone `or` is quoted (after the person's own quotes are gone), which websearch
 * reads as the word itself.
 */
export function websearchText(text: string): string {
  return text.replace(/["-]/g, ' ').replace(/(?<=^|\s)or(?=\s|$)/gi, '"$&"');
}

/**
 * Search for the embedded profile: PostgreSQL full-text search over the `messages` table
 * (generated `content_tsv` column + GIN index, migration MessageSearch1795430000000).
 * Correct only while the history lives in this PostgreSQL (PostgresMessageStore).
 */
export class PostgresSearchIndex implements SearchIndex {
  constructor(private readonly ds: DataSource) {}

  /**
   * Nothing to do, for a whole run as for one message: the row PostgresMessageStore
   * committed is already searchable (its tsvector is a generated column), an edit's text is
   * in message_states (generated and indexed too), and the query leaves out messages whose
   * state says deleted. The embedded profile's history IS the index, so it can never lag
   * behind or hold a message twice, and the run costs no statement at all.
   */
  async apply(_changes: readonly IndexChange[]): Promise<void> {}

  async search(q: SearchQuery): Promise<SearchHit[]> {
    if (q.roomIds.length === 0) return [];
    const words = searchWords(q.text);
    // No letter or digit: no lexeme either engine could match (and PostgreSQL would only
    // log a notice about an empty query).
    if (words.length === 0) return [];
    const prefixQuery = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
    const rows = await queryRows<HitRow>(this.ds, SEARCH_SQL, [
      websearchText(q.text),
      prefixQuery,
      q.roomIds,
      q.limit,
      HEADLINE_OPTIONS,
      WHOLE_OPTIONS,
      q.senderId ?? null,
      q.sentFrom ?? null,
      q.sentBefore ?? null,
      q.after?.createdAt ?? null,
      q.after?.roomId ?? null,
      q.after?.seq ?? null,
    ]);
    return rows.map((r) => ({
      message: toMessage(r),
      ...markedSnippet(r.headline?.replaceAll(TAG_OPEN_STAND_IN, '<')),
    }));
  }

  /** The index is the history: forgetting a room's messages is deleting them (the room is gone). */
  async deleteRoom(roomId: string): Promise<void> {
    await this.ds.query(`DELETE FROM messages WHERE room_id = $1`, [roomId]);
  }
}
