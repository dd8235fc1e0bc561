import type { LogHandler } from '../ports/message-log.port';
import type { SearchIndex } from '../ports/search-index.port';

/**
 * Consumer `indexer`: every stored message goes into the search index. The log delivers
 * at least once; `SearchIndex.index` is keyed by message id, so a redelivery is harmless.
 * A failure is thrown back to the log (Kafka retries it; the in-process log reports it).
 */
export function createIndexHandler(searchIndex: SearchIndex): LogHandler {
  return async (record) => {
    if (record.type === 'message.created') return searchIndex.index(record.message);
    // An edit is indexed again with its new text; a deleted message leaves the index.
    const { message } = record.update;
    if (message.deletedAt) await searchIndex.remove(message);
    else if (message.editedAt) await searchIndex.index(message);
  };
}
