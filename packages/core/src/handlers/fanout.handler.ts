import type { Broadcaster } from '../ports/broadcaster.port';
import type { LogHandler } from '../ports/message-log.port';

/** Where a fan-out consumer remembers how far each room got (see RedisFanoutWatermark). */
export interface FanoutWatermark {
  emitted(roomId: string): Promise<number>;
  advance(roomId: string, seq: number): Promise<void>;
}

/**
 * Consumer `fanout`: every socket of every member of the room gets `message:new`.
 * With a watermark (an at-least-once log), a record already emitted is skipped.
 */
export function createFanoutHandler(broadcaster: Broadcaster, watermark?: FanoutWatermark): LogHandler {
  return async (record) => {
    if (record.type !== 'message.created') return;
    const { roomId, seq } = record.message;
    if (watermark && seq <= (await watermark.emitted(roomId))) return;
    broadcaster.toRoom(roomId, 'message:new', record.message);
    // Done only when the bus has it: the next message of the room is emitted after this one.
    await broadcaster.flush();
    await watermark?.advance(roomId, seq);
  };
}
