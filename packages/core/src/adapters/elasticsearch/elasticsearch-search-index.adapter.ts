import { Client, errors, type estypes } from '@elastic/elasticsearch';
import type { Message, SearchHit } from '@qc/shared';
import { HIGHLIGHT_POST, HIGHLIGHT_PRE, markedSnippet, searchWords } from '../../lib/search-snippet';
import type { IndexChange, SearchIndex, SearchQuery } from '../../ports/search-index.port';

export interface ElasticsearchSearchIndexOptions {
  /** Index name; default `chat-messages`. Created on first use with the mapping below. */
  index?: string;
  /**
   * Whether a write (apply, deleteRoom) returns only once searches see it. Default false:
   * the `indexer` consumer handles a room's runs one after the other, and waiting on
   * each would cap it at the refresh rate (about one message per second per partition
   * with 'wait_for', which waits for the next periodic refresh); search is near-real-time
   * instead, within a second. Tests need read-after-write and use `true`, which refreshes
   * at once (a new small segment per write: cheap in a test, costly at production rates).
   */
  refreshOnWrite?: boolean | 'wait_for';
}

/** A client with bounded timeouts, for ELASTICSEARCH_URL. The caller closes it. */
export function createElasticsearchClient(url: string): Client {
  return new Client({ node: url, requestTimeout: 10_000, maxRetries: 2 });
}

/*
 * The whole message is kept in _source; only what is searched, filtered or sorted on is
 * indexed. `dynamic: false`: a field added to Message later is stored, not mapped, and
 * never refused.
 *
 * `sender` (the sender's id, for the "from" filter) is a field of its own rather than an
 * indexed `senderId`: indexes made before the filter existed hold `senderId` unindexed, and
 * a mapping can add a field but never turn on indexing of one it has. ready() adds `sender`
 * to such an index; its older documents gain it when they are next (re)indexed. Prefix search uses `index_prefixes` (edge n-grams of each term in a
 * hidden subfield that prefix queries use) rather than an edge_ngram analyzer or
 * search_as_you_type: those live in the analysis-common and mapper-extras modules, which
 * the integ-test distribution we run in CI does not have; index_prefixes is in the core.
 */
const MAPPINGS: estypes.MappingTypeMapping = {
  dynamic: false,
  properties: {
    roomId: { type: 'keyword' },
    content: { type: 'text', analyzer: 'standard', index_prefixes: { min_chars: 1, max_chars: 19 } },
    createdAt: { type: 'date' },
    seq: { type: 'long' },
    id: { type: 'keyword', index: false, doc_values: false },
    senderId: { type: 'keyword', index: false, doc_values: false },
    sender: { type: 'keyword' },
    clientMsgId: { type: 'keyword', index: false, doc_values: false },
    contentType: { type: 'keyword', index: false, doc_values: false },
    replyTo: { type: 'keyword', index: false, doc_values: false },
  },
};

/** Documents deleted per round trip by deleteRoom. */
const DELETE_BATCH = 1000;

/** What is indexed for a message: the message, and its sender once more as the filterable `sender`. */
type MessageDocument = Message & { sender: string };

const toMessage = (d: Message): Message => ({
  id: d.id,
  roomId: d.roomId,
  seq: d.seq,
  senderId: d.senderId,
  clientMsgId: d.clientMsgId,
  content: d.content,
  contentType: d.contentType,
  replyTo: d.replyTo,
  createdAt: d.createdAt,
});

/**
 * Search for the distributed profile, fed by the `indexer` consumer. Documents are keyed
 * by message id: a redelivered record overwrites its own document.
 */
export class ElasticsearchSearchIndex implements SearchIndex {
  readonly indexName: string;
  private readonly refresh: boolean | 'wait_for';
  private created: Promise<void> | null = null;

  constructor(
    private readonly client: Client,
    opts: ElasticsearchSearchIndexOptions = {},
  ) {
    this.indexName = opts.index ?? 'chat-messages';
    this.refresh = opts.refreshOnWrite ?? false;
  }

  /** Creates the index if it is missing; start-up calls it so a wrong URL stops it early. */
  ready(): Promise<void> {
    this.created ??= this.createIndex().catch((e: unknown) => {
      this.created = null; // the next call tries again
      throw e;
    });
    return this.created;
  }

  private async createIndex() {
    try {
      await this.client.indices.create({ index: this.indexName, mappings: MAPPINGS });
    } catch (e) {
      // Another node (or an earlier run) created it first: that is what we wanted, with
      // whatever fields were added to the mapping since (adding a field is allowed; a no-op
      // when it is there).
      if (e instanceof errors.ResponseError && e.body?.error?.type === 'resource_already_exists_exception') {
        await this.client.indices.putMapping({ index: this.indexName, properties: { sender: MAPPINGS.properties!.sender! } });
        return;
      }
      throw e;
    }
  }

  /**
   * One `_bulk` request for the run: `index` for a message to (re)index, `delete` for a
   * removed one, each versioned by the message's newest change (external versioning). The
   * log delivers at least once, so an older change redelivered after a newer one is refused
   * by Elasticsearch rather than put back: that conflict is what was wanted, and so is a
   * delete of what is not there (answered `not_found`, no error). A bulk request answers
   * 200 even when items fail, so any other item error is thrown here: the run comes again
   * rather than being lost.
   */
  async apply(changes: readonly IndexChange[]): Promise<void> {
    if (changes.length === 0) return;
    await this.ready();
    const res = await this.client.bulk<MessageDocument>({
      operations: changes.flatMap(({ op, message }): (estypes.BulkOperationContainer | MessageDocument)[] => {
        const target = {
          _index: this.indexName,
          _id: message.id,
          version: message.version ?? message.seq,
          version_type: 'external' as const,
        };
        return op === 'index' ? [{ index: target }, { ...toMessage(message), sender: message.senderId }] : [{ delete: target }];
      }),
      refresh: this.refresh,
    });
    if (!res.errors) return;
    const failed = res.items.flatMap((item) => Object.values(item)).filter((r) => r.error && r.error.type !== VERSION_CONFLICT);
    if (failed.length === 0) return;
    const first = failed[0]!;
    throw new Error(
      `indexing into ${this.indexName}: ${failed.length} of ${changes.length} changes refused, first ${first._id}: ${first.error?.type} ${first.error?.reason ?? ''}`,
    );
  }

  async search(q: SearchQuery): Promise<SearchHit[]> {
    if (q.roomIds.length === 0) return [];
    const words = searchWords(q.text);
    if (words.length === 0) return [];
    await this.ready();
    const lastWord = words[words.length - 1]!;
    const filter: estypes.QueryDslQueryContainer[] = [{ terms: { roomId: q.roomIds } }];
    if (q.senderId) filter.push({ term: { sender: q.senderId } });
    if (q.sentFrom || q.sentBefore)
      filter.push({ range: { createdAt: { ...(q.sentFrom ? { gte: q.sentFrom } : {}), ...(q.sentBefore ? { lt: q.sentBefore } : {}) } } });
    // `match` queries analyze the text as words: no character of it is query syntax.
    const res = await this.client.search<Message>({
      index: this.indexName,
      size: q.limit,
      track_total_hits: false,
      query: {
        bool: {
          must: [
            {
              bool: {
                should: [
                  { multi_match: { query: q.text, fields: ['content'], operator: 'and' } },
                  { multi_match: { query: q.text, fields: ['content'], type: 'bool_prefix', operator: 'and' } },
                ],
                minimum_should_match: 1,
              },
            },
          ],
          filter,
        },
      },
      // Newest first, ties by room then seq (the contract's total order); no score is needed.
      sort: [{ createdAt: { order: 'desc' } }, { roomId: { order: 'desc' } }, { seq: { order: 'desc' } }],
      ...(q.after ? { search_after: [Date.parse(q.after.createdAt), q.after.roomId, q.after.seq] } : {}),
      highlight: {
        encoder: 'default',
        fields: {
          content: {
            // 'plain', not the default 'unified': unified ends a passage at the match when
            // a sentence is longer than fragment_size (no words after it); plain keeps
            // context on both sides. It re-analyzes the text, cheap for a chat message.
            type: 'plain',
            pre_tags: [HIGHLIGHT_PRE],
            post_tags: [HIGHLIGHT_POST],
            fragment_size: 150,
            number_of_fragments: 1,
            no_match_size: 0,
            // The prefix clause runs on the hidden prefix field, which the highlighter does
            // not see; a wildcard on the (letters-and-digits only) last word marks it in content.
            highlight_query: {
              bool: {
                should: [
                  { match: { content: { query: q.text } } },
                  { wildcard: { content: { value: `${lastWord}*`, case_insensitive: true } } },
                ],
              },
            },
          },
        },
      },
    });
    return res.hits.hits.flatMap((h) =>
      h._source ? [{ message: toMessage(h._source), ...markedSnippet(h.highlight?.content?.[0]) }] : [],
    );
  }

  /**
   * Deletes the room's documents in batches of ids found by search and removed by bulk.
   * Not delete_by_query: it lives in the reindex module, which the integ-test
   * distribution we test against lacks, and a path CI never runs is not kept.
   */
  async deleteRoom(roomId: string): Promise<void> {
    await this.ready();
    // Make the latest writes visible first, so a message indexed a moment ago goes too.
    await this.client.indices.refresh({ index: this.indexName });
    let after: estypes.SortResults | undefined;
    for (;;) {
      const res = await this.client.search({
        index: this.indexName,
        size: DELETE_BATCH,
        _source: false,
        track_total_hits: false,
        query: { bool: { filter: [{ term: { roomId } }] } },
        // seq is unique within a room: a stable cursor for search_after.
        sort: [{ seq: { order: 'asc' } }],
        ...(after ? { search_after: after } : {}),
      });
      const hits = res.hits.hits;
      if (hits.length === 0) break;
      const bulk = await this.client.bulk({
        operations: hits.map((h) => ({ delete: { _index: this.indexName, _id: h._id! } })),
        refresh: this.refresh,
      });
      const failed = bulk.items.find((i) => i.delete?.error && i.delete.status !== 404);
      if (failed) throw new Error(`deleting room ${roomId} from ${this.indexName}: ${JSON.stringify(failed.delete?.error)}`);
      after = hits[hits.length - 1]!.sort;
      if (hits.length < DELETE_BATCH) break;
    }
  }
}

/** Elasticsearch already holds a newer version of the document: the write is stale, and dropping it is right. */
const VERSION_CONFLICT = 'version_conflict_engine_exception';
