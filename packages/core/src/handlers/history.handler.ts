import type { LogRunHandler } from '../ports/message-log.port';
import type { HistoryWriter } from '../ports/message-store.port';

/**
 * Consumer `history`: writes each logged message into a history that trails the log
 * (Cassandra, with the seq committed in PostgreSQL before the publish). It takes a room's
 * run of records at once, so the writer pays its round trips per run, not per message. The
 * log delivers at least once; storeLogged skips what is stored already and writes by
 * (room_id, seq), so a redelivered run never makes a second row. A failure is thrown back:
 * Kafka hands the run over again.
 */
export function createHistoryHandler(writer: HistoryWriter): LogRunHandler {
  return {
    async run(records) {
      const messages = records.flatMap((r) => (r.type === 'message.created' ? [r.message] : []));
      if (messages.length) await writer.storeLogged(messages);
    },
  };
}
