import type { LogRecord, LogRunHandler } from '../ports/message-log.port';
import type { IndexChange, SearchIndex } from '../ports/search-index.port';

/**
 * Consumer `indexer`: every stored message goes into the search index, an edit is indexed
 * again with its new text, a deleted message leaves the index. It takes a room's run of
 * records at once and hands the index one batch for it (Elasticsearch: one `_bulk` request
 * instead of a request per message). The log delivers at least once; the index is keyed by
 * message id and versioned, so a redelivered run is harmless. A failure is thrown back to
 * the log (Kafka hands the whole run over again; the in-process log reports it).
 */
export function createIndexHandler(searchIndex: SearchIndex): LogRunHandler {
  return {
    async run(records) {
      const changes = records.flatMap(indexChange);
      if (changes.length) await searchIndex.apply(changes);
    },
  };
}

/** What a record changes in the index, if anything (a reaction to an unedited message changes no text). */
function indexChange(record: LogRecord): IndexChange[] {
  if (record.type === 'message.created') return [{ op: 'index', message: record.message }];
  const { message } = record.update;
  if (message.deletedAt) return [{ op: 'remove', message }];
  // Any later change to an edited message carries the edited text: indexed again, versioned, the same.
  if (message.editedAt) return [{ op: 'index', message }];
  return [];
}
