import type { Broadcaster } from '../ports/broadcaster.port';
import { recordRoomId, recordSeq, type LogHandler } from '../ports/message-log.port';
import { NO_DELIVERY_METRICS, type DeliveryMetrics } from '../ports/metrics.port';

/** Where a fan-out consumer remembers how far each room got (see RedisFanoutWatermark). */
export interface FanoutWatermark {
  emitted(roomId: string): Promise<number>;
  advance(roomId: string, seq: number): Promise<void>;
}

/**
 * Consumer `fanout`: every socket of every member of the room gets `message:new`, or
 * `message:updated` for a change to a message (edits, deletes and reactions share the
 * room's seq order with new messages, so one watermark per room covers both). With a
 * watermark (an at-least-once log), a record already emitted is skipped.
 */
export function createFanoutHandler(
  broadcaster: Broadcaster,
  watermark?: FanoutWatermark,
  metrics: DeliveryMetrics = NO_DELIVERY_METRICS,
): LogHandler {
  return async (record) => {
    const roomId = recordRoomId(record);
    const seq = recordSeq(record);
    if (watermark && seq <= (await watermark.emitted(roomId))) return;
    if (record.type === 'message.created') broadcaster.toRoom(roomId, 'message:new', record.message);
    else broadcaster.toRoom(roomId, 'message:updated', record.update);
    // Done only when the bus has it: the next record of the room is emitted after this one.
    await broadcaster.flush();
    metrics.emitted(roomId, seq);
    await watermark?.advance(roomId, seq);
  };
}
