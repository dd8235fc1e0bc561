import {
  LIMITS,
  mentionsProblem,
  parseMentions,
  type HistoryPage,
  type HistoryQuery,
  type Message,
  type MessageSendPayload,
  type MessageUpdate,
  type PinnedMessages,
  type RoomSyncPayload,
  type RoomSyncResult,
  type ThreadPage,
  type ThreadQuery,
} from '@qc/shared';
import { AppError } from '../errors';
import { freshMessage } from '../lib/message-state';
import { uuidv7 } from '../lib/uuidv7';
import type { MessageLog } from '../ports/message-log.port';
import { NO_DELIVERY_METRICS, type DeliveryMetrics } from '../ports/metrics.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { BatchAppendResult, MessageStore, NewMessage } from '../ports/message-store.port';
import type { RateLimiter } from '../ports/rate-limiter.port';
import type { RoomSequencer, SequencerScope } from '../ports/room-sequencer.port';
import { DEFAULT_COMMIT_QUEUE_LIMITS, RoomCommitQueue, type RoomCommitQueueLimits } from './room-commit-queue';
import type { RoomStates } from './room-states';
import type { RoomsService } from './rooms.service';
import { toAttachment, type UploadStore } from '../ports/upload-store.port';
import type { MessageRules } from '../moderation/word-rules.service';
import type { SpamGuard } from '../moderation/spam-rules.service';

export interface MessagesSettings {
  messagesPerSec: number;
  messagesBurst: number;
}

/**
 * Runs `work` on one unit of a person's budget (sends, and changes to messages, each have
 * one), or refuses with RATE_LIMITED. Work that fails gives its unit back: it stored
 * nothing, and the client retries it (issue #10: after a database stall, the retries of
 * sends that had failed came back RATE_LIMITED). So does work whose result `refund` says
 * cost nothing (a repeat answered with what was already stored).
 */
export async function withBudget<T>(
  limiter: RateLimiter,
  key: string,
  settings: MessagesSettings,
  work: () => Promise<T>,
  refund: (result: T) => boolean = () => false,
): Promise<T> {
  const rule = { ratePerSec: settings.messagesPerSec, burst: settings.messagesBurst };
  const budget = await limiter.take(key, rule);
  if (!budget.allowed) throw AppError.rateLimited(budget.retryAfterMs);
  let result: T;
  try {
    result = await work();
  } catch (e) {
    await limiter.giveBack(key, rule);
    throw e;
  }
  if (refund(result)) await limiter.giveBack(key, rule);
  return result;
}

/** The live message's `mentions`, when it has any (a message without keeps its shape). */
function mentionsField(m: NewMessage['mentions']): Pick<Message, 'mentions'> {
  return m ? { mentions: { userIds: [...m.userIds], everyone: m.everyone } } : {};
}

/** A send waiting in its room's commit queue. */
interface QueuedSend {
  message: NewMessage;
  /** The sender's uploads it carries, checked before it was queued, attached once it is committed. */
  attachmentIds?: readonly string[];
  /** The thread it replies in, checked before it was queued. */
  root: Message | null;
  /** performance.now() when it arrived, for the send→commit histogram. */
  took: number;
}

/**
 * The write and read paths of the delivery contract:
 * send = rate-limit, then commit (authorised, durable, seq, idempotent) and publish to the
 * log; the caller's ack is sent after `send` resolves, so acked means committed.
 *
 * The hot path (DESIGN.md): a plain send makes no query of its own before its commit. It
 * waits in its room's RoomCommitQueue, and every send that arrived while the room's
 * previous commit was in flight is committed with it in one statement, which also checks
 * that each sender is a member at that moment and answers repeats of a clientMsgId with
 * the stored message (MessageStore.appendBatch). A reply or a thread reply first checks,
 * as a member, the message it points at.
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
  private readonly queue: RoomCommitQueue<QueuedSend, BatchAppendResult>;

  constructor(
    private readonly rooms: RoomsService,
    private readonly store: MessageStore,
    /** What has changed about messages since they were sent: every read shows them as they are now. */
    private readonly states: MessageStateStore,
    private readonly log: MessageLog,
    private readonly limiter: RateLimiter,
    /** Per room: commit and hand to fan-out in one turn, so live delivery never shows 6 before 5. */
    sequencer: RoomSequencer,
    private readonly settings: MessagesSettings,
    private readonly metrics: DeliveryMetrics = NO_DELIVERY_METRICS,
    private readonly now: () => Date = () => new Date(),
    /** Shared with MessageActionsService so that changes keep their place among the sends. */
    queue?: RoomCommitQueue<QueuedSend, BatchAppendResult>,
    queueLimits: RoomCommitQueueLimits = DEFAULT_COMMIT_QUEUE_LIMITS,
    /** The rooms' state in memory: members and recent clientMsgIds, checked before a send is queued. */
    private readonly roomStates: Pick<RoomStates, 'check' | 'committed' | 'refusedAtCommit'> | null = null,
    /** Where a send's files are found and attached (null: sends carry no files). */
    private readonly uploads: Pick<UploadStore, 'findByIds' | 'attach'> | null = null,
    /** Word rules, from memory: a blocked text is refused BLOCKED before it is queued (null: no rules). */
    private readonly rules: MessageRules | null = null,
    /** Spam rules (a text copied into many rooms, links from new accounts): refused BLOCKED before it is queued (null: none). */
    private readonly spam: SpamGuard | null = null,
  ) {
    this.queue = queue ?? new RoomCommitQueue(sequencer, (roomId, sends, scope) => this.commit(roomId, sends, scope), queueLimits);
  }

  /** The room queue everything that takes a seq goes through (for MessageActionsService and health). */
  get commitQueue(): Pick<RoomCommitQueue<unknown, unknown>, 'run' | 'depth' | 'busyRooms' | 'refused'> {
    return this.queue;
  }

  async send(senderId: string, p: MessageSendPayload): Promise<{ message: Message; created: boolean }> {
    const took = performance.now();
    // From memory, no query while the room is held: a stranger is refused before taking a
    // place in the queue, and a repeat of a send committed here is answered with it.
    const known = this.roomStates ? await this.roomStates.check(p.roomId, senderId, p.clientMsgId) : null;
    if (known && !known.member) throw AppError.forbidden();
    if (known?.member && known.repeat) return this.answerRepeat(senderId, p, known.repeat);
    // Muted by a moderator: refused at once, from memory (a repeat of a send made before the mute is still answered above).
    if (known?.member && known.mutedUntil !== null)
      throw AppError.muted(new Date(known.mutedUntil), await this.muteReason(p.roomId, senderId));
    if (known?.member && known.archived)
      throw new AppError('READ_ONLY', 'this room is archived: its history is kept to read, and nobody can post');
    if (known?.member && known.readOnly) throw new AppError('READ_ONLY', 'this room is read-only: only its moderators can post');
    if (known?.member && known.slowModeWaitMs !== null) {
      throw new AppError(
        'SLOW_MODE',
        `slow mode is on in this room: your next message can go in ${Math.ceil(known.slowModeWaitMs / 1000)} s`,
        undefined,
        known.slowModeWaitMs,
      );
    }
    let root: Message | null = null;
    if (p.replyTo || p.threadRootId) {
      // What a reply points at is looked up as a member: otherwise its answer would tell a
      // stranger whether an id is a message of that room.
      await this.rooms.requireMember(p.roomId, senderId);
      // A reply quotes a message of the same room: an id from elsewhere would show (or probe) another room's message.
      if (p.replyTo && (await this.store.findByIds(p.roomId, [p.replyTo])).length === 0) {
        throw AppError.validation('replyTo: no such message in this room');
      }
      root = p.threadRootId ? await this.threadRoot(p.roomId, p.threadRootId) : null;
    }
    const flags = this.rules?.enforce(p.roomId, p.content) ?? [];
    await this.spam?.check(senderId, p.roomId, p.content, 'send');
    const contentType = p.attachmentIds ? await this.checkAttachments(senderId, p) : 'text';
    const message: NewMessage = {
      id: uuidv7(),
      roomId: p.roomId,
      senderId,
      clientMsgId: p.clientMsgId,
      content: p.content,
      contentType,
      replyTo: p.replyTo ?? null,
      createdAt: this.now(),
      mentions: await this.mentionsOf(senderId, p, root),
    };
    const result = await withBudget(
      this.limiter,
      `send:${senderId}`,
      this.settings,
      async () => {
        const r = await this.queue.submit(p.roomId, { message, root, took, attachmentIds: p.attachmentIds });
        if ('refused' in r) throw AppError.forbidden();
        return r;
      },
      // A retry of something already stored costs the sender nothing.
      (r) => !r.created,
    ).catch((e: unknown) => this.storedDespiteLimit(e, senderId, p));
    if (result.created) {
      if (flags.length) this.rules?.flagged(result.message, flags);
      return result;
    }
    return this.answerRepeat(senderId, p, result.message);
  }

  /**
   * Out of budget: a retry of a message already stored is still answered (an outbox
   * resending after a reconnect must learn its message landed); anything else is refused.
   * Only this slow path looks the clientMsgId up before committing.
   */
  private async storedDespiteLimit(e: unknown, senderId: string, p: MessageSendPayload): Promise<{ message: Message; created: false }> {
    if (!(e instanceof AppError) || e.code !== 'RATE_LIMITED') throw e;
    await this.rooms.requireMember(p.roomId, senderId);
    const stored = await this.store.findByClientMsgId(p.roomId, senderId, p.clientMsgId);
    if (!stored) throw e;
    return { message: stored, created: false };
  }

  /** Why the sender is muted (read only when refusing: the reason is not held in memory). */
  private async muteReason(roomId: string, senderId: string): Promise<string | null> {
    return (await this.rooms.membership(roomId, senderId))?.silenceReason ?? null;
  }

  /**
   * The files a send names: each the sender's own upload to this room, not sent with another
   * message yet. Answers the message's type: `image` when all are images, else `file` (a
   * client's `image` with a non-image among them is refused).
   */
  private async checkAttachments(senderId: string, p: MessageSendPayload): Promise<NewMessage['contentType']> {
    const ids = p.attachmentIds ?? [];
    if (!this.uploads) throw AppError.validation('attachmentIds: this server keeps no files');
    const found = new Map((await this.uploads.findByIds(ids)).map((u) => [u.id, u]));
    for (const id of ids) {
      const u = found.get(id);
      if (!u || u.uploaderId !== senderId || u.roomId !== p.roomId) {
        throw AppError.validation(`attachmentIds: ${id} is not a file you uploaded to this room (upload it again)`);
      }
    }
    // A file already sent goes out once: a second message with it is refused, not stored
    // empty. Unless this is that send again (a retry this node did not remember): it is
    // answered with the stored message. Only this rare case costs the lookup.
    const sent = ids.filter((id) => found.get(id)!.messageId !== null);
    if (sent.length > 0 && !(await this.store.findByClientMsgId(p.roomId, senderId, p.clientMsgId))) {
      throw AppError.conflict(`attachmentIds: ${sent[0]} was already sent with another message (attach it again to send it once more)`);
    }
    const allImages = ids.every((id) => found.get(id)!.kind === 'image');
    if (p.contentType === 'image' && !allImages) throw AppError.validation('contentType: image, but not every attachment is an image');
    return p.contentType ?? (allImages ? 'image' : 'file');
  }

  /**
   * Attaches a committed send's files to it. Null when one of them went out with another
   * message meanwhile (the same person sending one file twice at once): then this message
   * goes without them rather than show a file twice.
   */
  private async attachFiles(
    ids: readonly string[] | undefined,
    m: Message,
    scope: SequencerScope | undefined,
  ): Promise<Pick<Message, 'attachments'>> {
    if (!ids || !this.uploads) return {};
    const records = await this.uploads.attach(ids, { messageId: m.id, roomId: m.roomId, uploaderId: m.senderId }, scope);
    return records ? { attachments: records.map(toAttachment) } : {};
  }

  /** Commits one room's queued sends, then hands the new ones to the log in seq order. */
  private async commit(roomId: string, sends: QueuedSend[], scope: SequencerScope | undefined): Promise<BatchAppendResult[]> {
    const results = await this.store.appendBatch(
      sends.map((s) => s.message),
      scope,
    );
    const fresh: { message: Message; root: Message | null }[] = [];
    const answers: BatchAppendResult[] = [];
    for (const [i, r] of results.entries()) {
      if ('refused' in r) this.roomStates?.refusedAtCommit(roomId, sends[i]!.message.senderId);
      if ('refused' in r || !r.created) {
        answers.push(r);
        continue;
      }
      const send = sends[i]!;
      this.metrics.committed(roomId, r.message.seq, (performance.now() - send.took) / 1000);
      // Whom it mentions rides along live (message:new and the ack), for clients to decide whether to notify.
      const message = {
        ...freshMessage(r.message, send.root?.id ?? null),
        ...mentionsField(send.message.mentions),
        // Only a send with files waits here: the room is held, and plain text is nearly every send.
        ...(send.attachmentIds ? await this.attachFiles(send.attachmentIds, r.message, scope) : {}),
      };
      this.roomStates?.committed(message);
      fresh.push({ message, root: send.root });
      answers.push({ message, created: true });
    }
    await this.log.publishAll(fresh.map(({ message }) => ({ type: 'message.created', message })));
    // A thread reply takes its seq, then its root's count takes a later one: the reply is
    // never seen before it exists, and the count never before its reply.
    for (const { message, root } of fresh) {
      if (!root) continue;
      const rootUpdate = await this.linkReply(message.senderId, root, message, scope);
      if (rootUpdate) await this.log.publish({ type: 'message.updated', update: rootUpdate });
    }
    return answers;
  }

  /** A repeat of a stored send: the message as it is now, finishing what its first attempt may have left undone. */
  private async answerRepeat(senderId: string, p: MessageSendPayload, stored: Message): Promise<{ message: Message; created: false }> {
    // Its files, if the first attempt stopped between its commit and attaching them (a no-op otherwise).
    const files = await this.attachFiles(p.attachmentIds, stored, undefined);
    // With an outside log, the first attempt may have committed but failed to publish;
    // the retry publishes again (consumers skip what they already handled).
    if (this.log.republishOnRetry) {
      await this.log.publish({ type: 'message.created', message: { ...freshMessage(stored, p.threadRootId ?? null), ...files } });
    }
    let [now] = await this.states.overlay([stored]);
    // Stored, but its thread link was not (a crash between the two): the retry finishes it.
    if (p.threadRootId && !now!.threadRootId) {
      await this.joinThread(senderId, now!, p.threadRootId);
      [now] = await this.states.overlay([stored]);
    }
    return { message: now!, created: false };
  }

  /**
   * Whom a send mentions, checked before it is queued: its `<@…>` people (at most
   * LIMITS.mentionsPerMessageMax), for `@here` the members online now and for `@channel`
   * everyone (both only from the room's owners and admins, as Slack lets a workspace decide),
   * and in a thread everyone who took part in it. The sender is never among them. A plain
   * message costs no query here.
   */
  private async mentionsOf(senderId: string, p: MessageSendPayload, root: Message | null): Promise<NewMessage['mentions']> {
    const parsed = parseMentions(p.content);
    const problem = mentionsProblem(parsed);
    if (problem) throw AppError.validation(problem);
    const userIds = new Set(parsed.userIds);
    let everyone = false;
    if (parsed.broadcast) {
      const me = await this.rooms.requireMember(p.roomId, senderId);
      if (me.role !== 'owner' && me.role !== 'admin') {
        throw AppError.forbidden(`only the room's owners and admins can notify everyone with @${parsed.broadcast}`);
      }
      if (parsed.broadcast === 'channel') everyone = true;
      else for (const id of await this.rooms.onlineMembers(p.roomId)) userIds.add(id);
    }
    if (root) {
      userIds.add(root.senderId);
      for (const id of await this.states.threadParticipants(p.roomId, root.id)) userIds.add(id);
    }
    userIds.delete(senderId);
    return userIds.size > 0 || everyone ? { userIds: [...userIds], everyone } : undefined;
  }

  /** The first message of a thread to reply in: of this room, not deleted, and not itself a reply in a thread. */
  private async threadRoot(roomId: string, rootId: string): Promise<Message> {
    const [original] = await this.store.findByIds(roomId, [rootId]);
    if (!original) throw AppError.validation('threadRootId: no such message in this room');
    const [root] = await this.states.overlay([original]);
    if (root!.threadRootId) throw AppError.validation('threadRootId: a reply in a thread cannot start a thread of its own');
    if (root!.deletedAt) throw AppError.conflict('this message was deleted');
    return original;
  }

  private async linkReply(actorId: string, root: Message, reply: Message, scope: SequencerScope | undefined) {
    const outcome = await this.states.apply(
      { original: root, actorId, change: { kind: 'thread_reply', replyId: reply.id, replySeq: reply.seq }, at: new Date(reply.createdAt) },
      scope,
    );
    return outcome.applied ? outcome.update : null;
  }

  private async joinThread(actorId: string, reply: Message, rootId: string) {
    const root = await this.threadRoot(reply.roomId, rootId);
    await this.queue.run(reply.roomId, async (scope) => {
      const update = await this.linkReply(actorId, root, reply, scope);
      if (update) await this.log.publish({ type: 'message.updated', update });
    });
  }

  /** A thread: its first message and the replies after `after`, ascending by seq, as they are now. */
  async thread(userId: string, roomId: string, rootId: string, q: ThreadQuery): Promise<ThreadPage> {
    await this.rooms.requireMember(roomId, userId);
    const [original] = await this.store.findByIds(roomId, [rootId]);
    if (!original) throw AppError.notFound('message');
    const refs = await this.states.listThread(roomId, rootId, q.after, q.limit + 1);
    const page = refs.slice(0, q.limit);
    const found = await this.store.findByIds(
      roomId,
      page.map((r) => r.messageId),
    );
    const [root, ...replies] = await this.states.overlay([original, ...found.sort((x, y) => x.seq - y.seq)]);
    return { root: root!, replies, hasMore: refs.length > q.limit };
  }

  /**
   * Catch-up after a reconnect: everything of the room after `afterSeq`, new messages and
   * changes to any message (older ones included), whose seqs together are exactly
   * afterSeq+1 … the page's end. Each list is read one past the page, so the first `limit`
   * seqs of the two together are the page whatever the mix; messages and updates carry
   * the messages' current state.
   */
  async sync(userId: string, p: RoomSyncPayload): Promise<RoomSyncResult> {
    await this.rooms.requireMember(p.roomId, userId);
    const limit = p.limit ?? LIMITS.syncPageDefault;
    const [created, changes] = await Promise.all([
      this.store.listAfter(p.roomId, p.afterSeq, limit + 1),
      this.states.listChangesAfter(p.roomId, p.afterSeq, limit + 1),
    ]);
    const seqs = [...created.map((m) => m.seq), ...changes.map((c) => c.seq)].sort((a, b) => a - b);
    const hasMore = seqs.length > limit;
    const last = hasMore ? seqs[limit - 1]! : Infinity;
    const pageMessages = created.filter((m) => m.seq <= last);
    const pageChanges = changes.filter((c) => c.seq <= last);
    // The changed messages not created in this page come from history, then everything gets its current state.
    const have = new Map(pageMessages.map((m) => [m.id, m]));
    const missing = [...new Set(pageChanges.map((c) => c.messageId))].filter((id) => !have.has(id));
    for (const m of await this.store.findByIds(p.roomId, missing)) have.set(m.id, m);
    const current = new Map((await this.states.overlay([...have.values()])).map((m) => [m.id, m]));
    const updates: MessageUpdate[] = pageChanges.flatMap((c) => {
      const message = current.get(c.messageId);
      return message ? [{ roomId: p.roomId, seq: c.seq, message }] : [];
    });
    return { messages: pageMessages.map((m) => current.get(m.id)!), updates, hasMore };
  }

  async history(userId: string, roomId: string, q: HistoryQuery): Promise<HistoryPage> {
    await this.rooms.requireMember(roomId, userId);
    if (q.after !== undefined) {
      const rows = await this.store.listAfter(roomId, q.after, q.limit + 1);
      return { messages: await this.states.overlay(rows.slice(0, q.limit)), hasMore: rows.length > q.limit };
    }
    const rows = await this.store.listBefore(roomId, q.before ?? null, q.limit + 1);
    const page = rows.length > q.limit ? rows.slice(1) : rows;
    return { messages: await this.states.overlay(page), hasMore: rows.length > q.limit };
  }

  /** The room's pinned messages as they are now, the most recently pinned first. */
  async pinned(userId: string, roomId: string): Promise<PinnedMessages> {
    await this.rooms.requireMember(roomId, userId);
    const ids = await this.states.listPinned(roomId, LIMITS.pinsPerRoomMax);
    const byId = new Map((await this.store.findByIds(roomId, ids)).map((m) => [m.id, m]));
    const originals = ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
    return { messages: await this.states.overlay(originals) };
  }

  /** One message as it is now (a tombstone if deleted), for members. */
  async get(userId: string, roomId: string, messageId: string): Promise<Message> {
    await this.rooms.requireMember(roomId, userId);
    const [original] = await this.store.findByIds(roomId, [messageId]);
    if (!original) throw AppError.notFound('message');
    const [now] = await this.states.overlay([original]);
    return now!;
  }
}
