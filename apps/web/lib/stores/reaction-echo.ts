import type { Message, Reaction } from '@qc/shared';
import { hasReacted } from './room-stream';

/*
 * A reaction shows the moment it is clicked (a local echo, like Element's), before the
 * server answers. The echo keeps the message's version, so the server's own state (its ack
 * or the `message:updated`, always of a higher version) replaces it whatever it says. Both
 * directions are idempotent, which makes the rollback after a refusal safe even if an update
 * came in between.
 */
export function withMyReaction(message: Message, emoji: string, meId: string, on: boolean): Message {
  const reactions = message.reactions ?? [];
  const existing = reactions.find((r) => r.emoji === emoji);
  if (existing && hasReacted(existing, meId) === on) return message;
  if (!existing && !on) return message;

  let next: Reaction[];
  if (!existing) {
    next = [...reactions, { emoji, count: 1, userIds: [meId], me: true }];
  } else if (on) {
    next = reactions.map((r) => (r === existing ? { ...r, count: r.count + 1, userIds: [...r.userIds, meId], me: true } : r));
  } else {
    next = reactions
      .map((r) => (r === existing ? { ...r, count: r.count - 1, userIds: r.userIds.filter((id) => id !== meId), me: false } : r))
      .filter((r) => r.count > 0);
  }
  return { ...message, reactions: next };
}
