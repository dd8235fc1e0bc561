import { LIMITS, type Message, type MessageEditPayload, type MessageRef, type ReactionPayload } from '@qc/shared';
import type { MessageRules } from '../moderation/word-rules.service';
import type { SpamGuard } from '../moderation/spam-rules.service';
import type { RuleMatch } from '../moderation/word-rules';
import { AppError } from '../errors';
import type { MessageLog } from '../ports/message-log.port';
import type { MessageChange, MessageStateStore } from '../ports/message-state.port';
import type { MessageStore } from '../ports/message-store.port';
import type { MembershipRecord } from '../ports/metadata.port';
import type { RateLimiter } from '../ports/rate-limiter.port';
import type { RoomSequencer, SequencerScope } from '../ports/room-sequencer.port';
import { withBudget, type MessagesSettings } from './messages.service';
import type { RoomsService } from './rooms.service';

/**
 * Edits, deletes and reactions: changes to messages already in the room, each taking the
 * room's next seq like a send (DESIGN.md "The room timeline is one ordered stream"). The
 * delivery contract holds for them as for sends: authorised on every call, committed before
 * the ack, in the room's one order (inside the room sequencer, so live delivery never shows
 * a change before the one before it), and a retry lands once (a change that alters nothing
 * takes no seq).
 */
/** What deleting others' messages needs of moderation. */
export interface MessageModeration {
  mayDelete(actorId: string, roomId: string, authorId: string): Promise<boolean>;
  /** Recorded once the tombstone is committed. */
  deleted(actorId: string, original: Message, caseId?: string): Promise<void>;
}

export class MessageActionsService {
  constructor(
    private readonly rooms: RoomsService,
    private readonly history: MessageStore,
    private readonly states: MessageStateStore,
    private readonly log: MessageLog,
    private readonly limiter: RateLimiter,
    /** The room's commit queue (MessagesService.commitQueue): changes keep their place among the sends. */
    private readonly sequencer: Pick<RoomSequencer, 'run'>,
    private readonly settings: MessagesSettings,
    private readonly now: () => Date = () => new Date(),
    /** Told of each message deleted, once its tombstone is committed (its files are removed). */
    private readonly onDeleted: (message: Message) => void = () => undefined,
    /**
     * Someone else's message deleted by the room's staff: who may (the moderation policy), and
     * the audit log entry after. Without it (some tests), owners and admins may, unrecorded.
     */
    private readonly moderation: MessageModeration | null = null,
    /** Word rules: an edit is held to them as a send is (null: no rules). */
    private readonly rules: MessageRules | null = null,
    /** Spam rules: an edit that adds a link is held to the new-account rule (null: none). */
    private readonly spam: SpamGuard | null = null,
    /** Whether a room is archived (RoomStates, from memory): its messages stay as they are, deletions aside. */
    private readonly archived: (roomId: string) => Promise<boolean> = async () => false,
  ) {}

  /** Only its author edits a message; the text follows the rules of a send (word rules included). */
  async edit(userId: string, p: MessageEditPayload): Promise<Message> {
    let flags: RuleMatch[] = [];
    await this.spam?.check(userId, p.roomId, p.content, 'edit');
    const edited = await this.change(userId, p, { kind: 'edit', content: p.content }, (_, original) => {
      if (original.senderId !== userId) throw AppError.forbidden('only its author can edit a message');
      flags = this.rules?.enforce(p.roomId, p.content) ?? [];
    });
    if (flags.length) this.rules?.flagged(edited, flags);
    return edited;
  }

  /**
   * Staff delete a reported message from its case: the instance's staff need not be members
   * of the room; the moderation policy decides, and the audit entry names the case.
   */
  async deleteFromCase(actorId: string, ref: MessageRef, caseId: string): Promise<Message> {
    const [original] = await this.history.findByIds(ref.roomId, [ref.messageId]);
    if (!original) throw AppError.notFound('message');
    if (!this.moderation || !(await this.moderation.mayDelete(actorId, ref.roomId, original.senderId))) {
      throw AppError.forbidden('you may not delete this message');
    }
    const deleted = await withBudget(this.limiter, `change:${actorId}`, this.settings, () =>
      this.applyChange(actorId, ref, original, { kind: 'delete' }),
    );
    await this.moderation.deleted(actorId, original, caseId);
    return deleted;
  }

  /** Its author deletes a message, or the room's staff (moderators and up, by the moderation policy) anyone's. */
  async delete(userId: string, p: MessageRef): Promise<Message> {
    let byStaff: Message | null = null;
    const deleted = await this.change(userId, p, { kind: 'delete' }, async (membership, original) => {
      if (original.senderId === userId) return;
      const may = this.moderation
        ? await this.moderation.mayDelete(userId, p.roomId, original.senderId)
        : membership.role === 'owner' || membership.role === 'admin';
      if (!may) throw AppError.forbidden("only its author or the room's moderators can delete someone's message");
      byStaff = original;
    });
    if (byStaff) await this.moderation?.deleted(userId, byStaff);
    return deleted;
  }

  /** Any member reacts; one reaction per emoji per person. */
  react(userId: string, p: ReactionPayload, present: boolean): Promise<Message> {
    return this.change(
      userId,
      p,
      present ? { kind: 'reaction_add', emoji: p.emoji } : { kind: 'reaction_remove', emoji: p.emoji },
      () => undefined,
    );
  }

  /** Any member pins a message to the room (or unpins it); a room keeps at most LIMITS.pinsPerRoomMax. */
  pin(userId: string, p: MessageRef, pinned: boolean): Promise<Message> {
    return this.change(userId, p, pinned ? { kind: 'pin' } : { kind: 'unpin' }, () => undefined);
  }

  private async change(
    userId: string,
    ref: MessageRef,
    change: MessageChange,
    authorise: (membership: MembershipRecord, original: Message) => void | Promise<void>,
  ): Promise<Message> {
    const membership = await this.rooms.requireMember(ref.roomId, userId);
    // An archived room is kept as it was: no edits, reactions or pins; a deletion (the
    // author's own, or staff removing something harmful) still goes.
    if (change.kind !== 'delete' && (await this.archived(ref.roomId))) {
      throw new AppError('READ_ONLY', 'this room is archived: its messages are kept as they are');
    }
    const [original] = await this.history.findByIds(ref.roomId, [ref.messageId]);
    if (!original) throw AppError.notFound('message');
    await authorise(membership, original);
    return withBudget(this.limiter, `change:${userId}`, this.settings, () => this.applyChange(userId, ref, original, change));
  }

  /**
   * An erased account's messages of one room, deleted as their author would delete them:
   * each delete takes the room's next seq and goes out as `message:updated`, so the other
   * members' clients show the tombstone and catch-up (room:sync) stays gap-free. Unlike a
   * person's delete, neither membership (they may have left the room long ago) nor their
   * budget is checked: the person asked for it with their password, and it is done for
   * them. One turn of the room's queue for the lot, not one per message. Returns the
   * messages as they are now.
   */
  deleteForErasure(authorId: string, roomId: string, originals: readonly Message[]): Promise<Message[]> {
    if (originals.some((m) => m.roomId !== roomId || m.senderId !== authorId)) {
      throw new Error("deleteForErasure: only the author's own messages of this room");
    }
    return this.sequencer.run(roomId, async (scope) => {
      const out: Message[] = [];
      for (const original of originals) out.push(await this.applyInTurn(authorId, original, { kind: 'delete' }, scope));
      return out;
    });
  }

  private applyChange(userId: string, ref: MessageRef, original: Message, change: MessageChange): Promise<Message> {
    return this.sequencer.run(ref.roomId, (scope) => this.applyInTurn(userId, original, change, scope));
  }

  /** One change, on the room's turn (inside the sequencer, with its scope). */
  private async applyInTurn(userId: string, original: Message, change: MessageChange, scope: SequencerScope | undefined): Promise<Message> {
    const outcome = await this.states.apply({ original, actorId: userId, change, at: this.now() }, scope);
    // Also for a repeated delete: it finishes a removal of files that failed the first time.
    if (change.kind === 'delete' && !('refused' in outcome)) this.onDeleted(original);
    if (outcome.applied) {
      await this.log.publish({ type: 'message.updated', update: outcome.update });
      return outcome.update.message;
    }
    if ('refused' in outcome) throw refusal(outcome.refused);
    // Nothing changed: a retry, perhaps of a change whose publish failed after its commit.
    // With an outside log its newest change goes out again (consumers skip what they had).
    const current = outcome.message;
    if (this.log.republishOnRetry && (current.version ?? current.seq) > current.seq) {
      await this.log.publish({ type: 'message.updated', update: { roomId: current.roomId, seq: current.version!, message: current } });
    }
    return current;
  }
}

function refusal(why: 'deleted' | 'too-many-reactions' | 'too-many-pins'): AppError {
  switch (why) {
    case 'deleted':
      return AppError.conflict('this message was deleted');
    case 'too-many-reactions':
      return AppError.validation(
        `a message takes reactions of at most ${LIMITS.reactionsPerMessageMax} different emoji: add to one already there`,
      );
    case 'too-many-pins':
      return AppError.conflict(`a room keeps at most ${LIMITS.pinsPerRoomMax} pinned messages: unpin one first`);
  }
}
