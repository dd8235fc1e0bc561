import type { Broadcaster } from '../ports/broadcaster.port';
import type { LogHandler } from '../ports/message-log.port';

/** Consumer `fanout`: every socket of every member of the room gets `message:new`. */
export function createFanoutHandler(broadcaster: Broadcaster): LogHandler {
  return async (record) => {
    if (record.type !== 'message.created') return;
    broadcaster.toRoom(record.message.roomId, 'message:new', record.message);
    // Done only when the bus has it: the next message of the room is emitted after this one.
    await broadcaster.flush();
  };
}
