import type { LogHandler } from '../ports/message-log.port';
import type { HistoryWriter } from '../ports/message-store.port';

/**
 * Consumer `history`: writes each logged message into a history that trails the log
 * (Cassandra, with the seq committed in PostgreSQL before the publish). The log delivers at
 * least once; storeLogged skips what is stored already and writes by (room_id, seq), so a
 * redelivery never makes a second row. A failure is thrown back: Kafka redelivers it.
 */
export function createHistoryHandler(writer: HistoryWriter): LogHandler {
  return async (record) => {
    if (record.type !== 'message.created') return;
    await writer.storeLogged(record.message);
  };
}
