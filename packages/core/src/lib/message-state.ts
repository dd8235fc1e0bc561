import { LIMITS, type Message, type Reaction } from '@qc/shared';

/** What has changed about one message since it was sent (none: never changed). */
export interface MessageStateRecord {
  content: string | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  deletedBy: string | null;
  pinnedAt: Date | null;
  pinnedBy: string | null;
  replyCount: number;
  lastReplyAt: Date | null;
  version: number;
}

/**
 * A message as it is now: its original from history with its state on top. A deleted
 * message is a tombstone: no text and no reactions, only that it was there and when it
 * went. Every message read by a client carries these fields, so it never has to guess.
 */
export function withState(
  original: Message,
  state: MessageStateRecord | null,
  reactions: Reaction[],
  threadRootId: string | null = null,
): Message {
  const deleted = !!state?.deletedAt;
  return {
    ...original,
    content: deleted ? '' : (state?.content ?? original.content),
    editedAt: state?.editedAt ? state.editedAt.toISOString() : null,
    deletedAt: deleted ? state!.deletedAt!.toISOString() : null,
    deletedBy: deleted ? state!.deletedBy : null,
    reactions: deleted ? [] : reactions,
    pinnedAt: !deleted && state?.pinnedAt ? state.pinnedAt.toISOString() : null,
    pinnedBy: !deleted && state?.pinnedAt ? state.pinnedBy : null,
    threadRootId,
    replyCount: state?.replyCount ?? 0,
    lastReplyAt: state?.lastReplyAt ? state.lastReplyAt.toISOString() : null,
    version: state ? state.version : original.seq,
    // A deleted message's files are not shown (and are removed from storage).
    ...(original.attachments ? { attachments: deleted ? [] : original.attachments } : {}),
  };
}

/** A message just sent: nothing has happened to it yet (in its thread, if it is a reply in one). */
export const freshMessage = (m: Message, threadRootId: string | null = null): Message => withState(m, null, [], threadRootId);

/** Reactions as a reader sees them: one entry per emoji in the order first used, at most LIMITS.reactionUsersShown names each. */
export function groupReactions(rows: { emoji: string; userId: string }[]): Reaction[] {
  const byEmoji = new Map<string, Reaction>();
  for (const r of rows) {
    const entry = byEmoji.get(r.emoji) ?? { emoji: r.emoji, count: 0, userIds: [] };
    entry.count++;
    if (entry.userIds.length < LIMITS.reactionUsersShown) entry.userIds.push(r.userId);
    byEmoji.set(r.emoji, entry);
  }
  return [...byEmoji.values()];
}
