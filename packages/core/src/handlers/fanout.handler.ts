import { parseMentions, type Message } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import { recordRoomId, recordSeq, type LogRecord, type LogRunHandler } from '../ports/message-log.port';
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
  // `@channel` (owners and admins only) is meant to reach every member at once.
  if (record.type === 'message.created' && message.mentions?.everyone) return { to: 'room' };
  // The author's other devices show what they sent, as in a small room.
  return { to: 'open', alsoUserIds: [...new Set([message.senderId, ...mentionedUserIds(message)])] };
}

/**
 * The people a message mentions, who get it live in a large room even without it open: as
 * the send worked them out (its people, `@here`'s online members, the thread's participants),
 * or from its text for a record written without them (an edit's update).
 */
export function mentionedUserIds(message: Message): string[] {
  return message.mentions?.userIds ?? parseMentions(message.content).userIds;
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

  /** The route of each record of one room's run, the room's size read once for them all. */
  async routes(roomId: string, records: readonly LogRecord[]): Promise<FanoutRoute[]> {
    const counted = this.sizes.members(roomId);
    const members = typeof counted === 'number' ? counted : await counted;
    return records.map((record) => fanoutRoute(record, members, this.sizes.largeRoomMembers));
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
 *
 * It takes a room's run of records at once: the watermark read once, the room's size read
 * once, every record emitted in order, one flush, one advance to the run's last seq. One
 * record at a time cost three Redis round trips each (read, flush, advance); a run costs
 * three in all. A run that fails part-way advanced nothing, so it is emitted again whole on
 * redelivery: a repeated emit, which clients drop by seq, never a lost one.
 */
export function createFanoutHandler(
  broadcaster: Broadcaster,
  watermark?: FanoutWatermark,
  metrics: DeliveryMetrics = NO_DELIVERY_METRICS,
  hybrid?: HybridFanout,
): LogRunHandler {
  const push: FanoutRoute = { to: 'room' };
  return {
    async run(records) {
      if (records.length === 0) return;
      const roomId = recordRoomId(records[0]!);
      const fresh = watermark ? notEmitted(records, await watermark.emitted(roomId)) : records;
      if (fresh.length === 0) return;
      const routes = hybrid ? await hybrid.routes(roomId, fresh) : fresh.map(() => push);
      let leftOutUpTo = 0;
      fresh.forEach((record, i) => {
        const route = routes[i]!;
        if (route.to === 'room') {
          if (record.type === 'message.created') broadcaster.toRoom(roomId, 'message:new', record.message);
          else broadcaster.toRoom(roomId, 'message:updated', record.update);
        } else {
          if (record.type === 'message.created') broadcaster.toOpenRoom(roomId, 'message:new', record.message, route.alsoUserIds);
          else broadcaster.toOpenRoom(roomId, 'message:updated', record.update, route.alsoUserIds);
          leftOutUpTo = recordSeq(record);
        }
      });
      // Coalesced anyway: the run's newest seq is all the members left out need to hear.
      if (leftOutUpTo) hybrid?.tellActivity(roomId, leftOutUpTo);
      // Done only when the bus has the whole run: the room's next run is emitted after it.
      await broadcaster.flush();
      for (const record of fresh) metrics.emitted(roomId, recordSeq(record));
      await watermark?.advance(roomId, recordSeq(fresh.at(-1)!));
    },
  };
}

/**
 * The records of a run past the watermark, as handling them one at a time would find them:
 * each one emitted raises the mark, so a seq the run repeats (a retried send published
 * again) is skipped too, and what is left rises strictly.
 */
function notEmitted(records: readonly LogRecord[], emitted: number): LogRecord[] {
  let mark = emitted;
  const fresh: LogRecord[] = [];
  for (const record of records) {
    const seq = recordSeq(record);
    if (seq <= mark) continue;
    fresh.push(record);
    mark = seq;
  }
  return fresh;
}
