import type { DataSource } from 'typeorm';
import type { ContentType, Message, SearchHit } from '@qc/shared';
import { plainSnippet, searchWords } from '../../lib/plain-snippet';
import type { SearchIndex, SearchQuery } from '../../ports/search-index.port';
import { queryRows } from './pg-rows';

interface HitRow {
  id: string;
  room_id: string;
  seq: string;
  sender_id: string;
  client_msg_id: string;
  content: string;
  content_type: ContentType;
  reply_to: string | null;
  created_at: Date;
  headline: string | null;
}

/*
 * ts_headline options. Empty start/stop markers: the snippet is plain text as it comes
 * out, there is nothing to strip and no HTML to escape. One fragment of up to 20 words.
 */
const HEADLINE_OPTIONS = 'StartSel="", StopSel="", MaxWords=20, MinWords=6, ShortWord=0, MaxFragments=1, FragmentDelimiter=" … "';

/*
 * The query is two tsqueries ORed:
 *  - websearch_to_tsquery($1): the text parsed the way the content was (so `3.14` or an
 *    e-mail address stay one token), never raising on any input. Its operators are
 *    neutralised first (websearchText): a search means the same words here as in
 *    Elasticsearch;
 *  - to_tsquery($2): the same words ANDed with the last one as a prefix (`hel` finds
 *    `hello` while typing). $2 is built from searchWords() — letters, marks and digits
 *    only — so no tsquery operator can reach it; it is a bind parameter all the same.
 * Ranking and the snippet run only over the page that is returned.
 */
const SEARCH_SQL = `
  WITH q AS (
    SELECT websearch_to_tsquery('simple', $1) || COALESCE(to_tsquery('simple', $2), ''::tsquery) AS query
  )
  SELECT hit.*, ts_headline('simple', hit.content, q.query, $5) AS headline
  FROM (
    SELECT m.id, m.room_id, m.seq, m.sender_id, m.client_msg_id, m.content, m.content_type, m.reply_to, m.created_at,
           ts_rank(m.content_tsv, q.query) AS rank
    FROM messages m, q
    WHERE m.room_id = ANY($3::uuid[]) AND m.content_tsv @@ q.query
    ORDER BY rank DESC, m.created_at DESC, m.seq DESC
    LIMIT $4
  ) hit, q
  ORDER BY hit.rank DESC, hit.created_at DESC, hit.seq DESC`;

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
   * Nothing to do: the message row PostgresMessageStore committed is already searchable
   * (its tsvector is a generated column). The embedded profile's history IS the index, so
   * it can never lag behind or hold a message twice.
   */
  async index(_message: Message): Promise<void> {}

  async search(q: SearchQuery): Promise<SearchHit[]> {
    if (q.roomIds.length === 0) return [];
    const words = searchWords(q.text);
    // No letter or digit: no lexeme either engine could match (and PostgreSQL would only
    // log a notice about an empty query).
    if (words.length === 0) return [];
    const prefixQuery = words.map((w, i) => (i === words.length - 1 ? `${w}:*` : w)).join(' & ');
    const rows = await queryRows<HitRow>(this.ds, SEARCH_SQL, [websearchText(q.text), prefixQuery, q.roomIds, q.limit, HEADLINE_OPTIONS]);
    return rows.map((r) => ({
      message: {
        id: r.id,
        roomId: r.room_id,
        seq: Number(r.seq),
        senderId: r.sender_id,
        clientMsgId: r.client_msg_id,
        content: r.content,
        contentType: r.content_type,
        replyTo: r.reply_to,
        createdAt: r.created_at.toISOString(),
      },
      highlight: plainSnippet(r.headline),
    }));
  }

  /** The index is the history: forgetting a room's messages is deleting them (the room is gone). */
  async deleteRoom(roomId: string): Promise<void> {
    await this.ds.query(`DELETE FROM messages WHERE room_id = $1`, [roomId]);
  }
}
