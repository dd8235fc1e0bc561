import { LIMITS, type HistoryPage, type HistoryQuery, type Message, type MessageSendPayload, type RoomSyncPayload } from '@qc/shared';
import { AppError } from '../errors';
import { uuidv7 } from '../lib/uuidv7';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MessageLog } from '../ports/message-log.port';
import type { MessageStore } from '../ports/message-store.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { RateLimiter } from '../ports/rate-limiter.port';
import type { RoomSequencer } from '../ports/room-sequencer.port';
import type { RoomsService } from './rooms.service';

export interface MessagesSettings {
  messagesPerSec: number;
  messagesBurst: number;
}

/**
 * The write and read paths of the delivery contract:
 * send = authorise, rate-limit, append (durable, seq, idempotent), then publish to the log;
 * the caller's ack is sent after `send` resolves, so acked means committed.
 *
 * Why the ack waits for the store's commit AND the log (rather than the log alone): the seq
 * must come from one transactional counter with the idempotency key, and a client that
 * reconnects right after an ack must find the message with `room:sync` — a store filled
 * only from the log would make catch-up briefly miss acked messages, which is the gap this
 * product exists to prevent. (With Cassandra and Kafka the commit is PostgreSQL's seq and
 * outbox row, which readers merge; the `history` consumer writes Cassandra behind the log.)
 * With Kafka the record is also in the log (acks=all) before the ack, so consumers
 * (history, fan-out, notify, index) see every acked message, in seq order per room.
 */
export class MessagesService {
  constructor(
    private readonly rooms: RoomsService,
    private readonly meta: MetadataStore,
    private readonly store: MessageStore,
    private readonly log: MessageLog,
    private readonly limiter: RateLimiter,
    private readonly broadcaster: Broadcaster,
    /** Per room: commit and hand to fan-out in one turn, so live delivery never shows 6 before 5. */
    private readonly sequencer: RoomSequencer,
    private readonly settings: MessagesSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(senderId: string, p: MessageSendPayload): Promise<{ message: Message; created: boolean }> {
    await this.rooms.requireMember(p.roomId, senderId);
    // A retry of something already stored is answered without spending the sender's budget.
    const existing = await this.store.findByClientMsgId(p.roomId, senderId, p.clientMsgId);
    if (existing) {
      // With an outside log, the first attempt may have committed but failed to publish;
      // the retry publishes again (consumers skip what they already handled).
      if (this.log.republishOnRetry) await this.log.publish({ type: 'message.created', message: existing });
      return { message: existing, created: false };
    }
    const budget = await this.limiter.take(`send:${senderId}`, {
      ratePerSec: this.settings.messagesPerSec,
      burst: this.settings.messagesBurst,
    });
    if (!budget.allowed) throw AppError.rateLimited(budget.retryAfterMs);

    // The store works through the sequencer's scope: a room holding a pool connection for
    // its lock must never ask the pool for another (issue #8: busy rooms deadlocked a node).
    return this.sequencer.run(p.roomId, async (scope) => {
      const result = await this.store.append(
        {
          id: uuidv7(),
          roomId: p.roomId,
          senderId,
          clientMsgId: p.clientMsgId,
          content: p.content,
          contentType: p.contentType ?? 'text',
          replyTo: p.replyTo ?? null,
          createdAt: this.now(),
        },
        scope,
      );
      if (result.created) await this.log.publish({ type: 'message.created', message: result.message });
      return result;
    });
  }

  /** Catch-up after a reconnect: exactly the messages after `afterSeq`, ascending. */
  async sync(userId: string, p: RoomSyncPayload): Promise<{ messages: Message[]; hasMore: boolean }> {
    await this.rooms.requireMember(p.roomId, userId);
    const limit = p.limit ?? LIMITS.syncPageDefault;
    const rows = await this.store.listAfter(p.roomId, p.afterSeq, limit + 1);
    return { messages: rows.slice(0, limit), hasMore: rows.length > limit };
  }

  async history(userId: string, roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    await this.rooms.requireMember(roomId, userId);
    if (q.after !== undefined) {
      const rows = await this.store.listAfter(roomId, q.after, q.limit + 1);
      return { messages: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
    }
    const rows = await this.store.listBefore(roomId, q.before ?? null, q.limit + 1);
    return { messages: rows.length > q.limit ? rows.slice(1) : rows, hasMore: rows.length > q.limit };
  }
}
