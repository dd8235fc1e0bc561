import type { Message } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import { recordRoomId, recordSeq, type LogHandler, type LogRecord } from '../ports/message-log.port';
import { NO_DELIVERY_METRICS, type DeliveryMetrics } from '../ports/metrics.port';
import { StateCoalescer } from '../lib/state-coalescer';
import type { RoomSizes } from '../lib/room-sizes';

/** Where a fan-out consumer remembers how far each room got (see RedisFanoutWatermark). */
export interface FanoutWatermark {
  emitted(roomId: string): Promise<number>;
  advance(roomId: string, seq: number): Promise<void>;
}

/**
 * Who gets a record live. `room`: every socket of every member (push, a small room).
 * `open`: a large room (pull): only the sockets that have the room open, and every socket
 * of `alsoUserIds`; the other members are told `room:activity` and fetch on open.
 */
export type FanoutRoute = { to: 'room' } | { to: 'open'; alsoUserIds: string[] };

/** The hybrid fan-out decision (the design's "push for small rooms, pull for large"). */
export function fanoutRoute(record: LogRecord, members: number, largeRoomMembers: number): FanoutRoute {
  if (members < largeRoomMembers) return { to: 'room' };
  const message = record.type === 'message.created' ? record.message : record.update.message;
  // The author's other devices show what they sent, as in a small room.
  return { to: 'open', alsoUserIds: [...new Set([message.senderId, ...mentionedUserIds(message)])] };
}

/**
 * The people a message mentions, who get it live in a large room even without it open.
 * Messages carry no mentions yet (issue #12 adds them): this is where they plug in.
 */
export function mentionedUserIds(_message: Message): string[] {
  return [];
}

/**
 * The pull half of hybrid fan-out: which route a record takes (the room's member count
 * from RoomSizes, no query per message), and the coalesced `room:activity { roomId,
 * lastSeq }` for the members' sockets that do not have a large room open: at most one per
 * `activityEveryMs` per room, the newest lastSeq always told at the end of a gap.
 */
export class HybridFanout {
  private readonly activity: StateCoalescer<number>;

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly sizes: Pick<RoomSizes, 'members' | 'largeRoomMembers'>,
    activityEveryMs: number,
    onError: (err: unknown) => void = () => undefined,
  ) {
    this.activity = new StateCoalescer<number>(
      activityEveryMs,
      (roomId, lastSeq) => this.broadcaster.toRoomNotOpen(roomId, 'room:activity', { roomId, lastSeq }),
      // A room's records come in seq order; a lower seq than the one told (a redelivery) is nothing new.
      (told, next) => next <= told,
      onError,
    );
  }

  async route(record: LogRecord): Promise<FanoutRoute> {
    const counted = this.sizes.members(recordRoomId(record));
    const members = typeof counted === 'number' ? counted : await counted;
    return fanoutRoute(record, members, this.sizes.largeRoomMembers);
  }

  /** The room reached `seq` while its not-open members were left out: tell them (coalesced). */
  tellActivity(roomId: string, seq: number): void {
    void this.activity.offer(roomId, seq);
  }

  close(): void {
    this.activity.close();
  }
}

/**
 * Consumer `fanout`: `message:new`, or `message:updated` for a change to a message (edits,
 * deletes and reactions share the room's seq order with new messages, so one watermark per
 * room covers both), to every socket of every member of the room; or, with hybrid fan-out
 * and a large room, to the sockets that have it open and the author's, the others getting a
 * coalesced `room:activity`. With a watermark (an at-least-once log), a record already
 * emitted is skipped.
 */
export function createFanoutHandler(
  broadcaster: Broadcaster,
  watermark?: FanoutWatermark,
  metrics: DeliveryMetrics = NO_DELIVERY_METRICS,
  hybrid?: HybridFanout,
): LogHandler {
  const push: FanoutRoute = { to: 'room' };
  return async (record) => {
    const roomId = recordRoomId(record);
    const seq = recordSeq(record);
    if (watermark && seq <= (await watermark.emitted(roomId))) return;
    const route = hybrid ? await hybrid.route(record) : push;
    if (route.to === 'room') {
      if (record.type === 'message.created') broadcaster.toRoom(roomId, 'message:new', record.message);
      else broadcaster.toRoom(roomId, 'message:updated', record.update);
    } else {
      if (record.type === 'message.created') broadcaster.toOpenRoom(roomId, 'message:new', record.message, route.alsoUserIds);
      else broadcaster.toOpenRoom(roomId, 'message:updated', record.update, route.alsoUserIds);
      hybrid?.tellActivity(roomId, seq);
    }
    // Done only when the bus has it: the next record of the room is emitted after this one.
    await broadcaster.flush();
    metrics.emitted(roomId, seq);
    await watermark?.advance(roomId, seq);
  };
}
