import { parseMentions } from './mentions';
import type { Message, NotifyLevel, RoomKind } from './schemas';

/*
 * Whether a new message should tell a member: the one rule the web app's tab title, desktop
 * notification and sound follow, and the server's Web Push too, so a phone and a laptop never
 * disagree about what deserved a buzz.
 */

/** Whether the message names them, tells everyone, or replies in a thread they are in. */
export function messageMentions(message: Message, userId: string): boolean {
  if (message.mentions) return message.mentions.everyone || message.mentions.userIds.includes(userId);
  // History and catch-up carry no `mentions`: the text still says whom it names.
  const parsed = parseMentions(message.content);
  return parsed.broadcast === 'channel' || parsed.userIds.includes(userId);
}

/** A room's level when its member never chose one: channels are loud, so only mentions tell. */
export function defaultNotifyLevel(kind: RoomKind): NotifyLevel {
  return kind === 'channel' ? 'mentions' : 'all';
}

export interface NotifyRuleInput {
  userId: string;
  roomKind: RoomKind;
  level: NotifyLevel;
  /** Until then nothing tells them (ISO time or Date); null when not muted. */
  mutedUntil: string | Date | null;
  now: Date;
}

export type NotifyRuleAnswer = { tell: false; why: 'mine' | 'deleted' | 'muted' | 'level' } | { tell: true; mention: boolean };

/**
 * Level × mention × mute:
 * - their own message, or a deleted one: nothing;
 * - a room muted until later: nothing, mentions included (that is what muting is for);
 * - level `none`: nothing; `mentions`: only what mentions them, and every DM message (a DM is
 *   addressed to them); `all`: everything.
 */
export function notifyRule(message: Message, who: NotifyRuleInput): NotifyRuleAnswer {
  if (message.senderId === who.userId) return { tell: false, why: 'mine' };
  if (message.deletedAt) return { tell: false, why: 'deleted' };
  const mutedUntil = who.mutedUntil ? new Date(who.mutedUntil).getTime() : 0;
  if (mutedUntil > who.now.getTime()) return { tell: false, why: 'muted' };
  const mention = messageMentions(message, who.userId);
  const wanted = who.level === 'all' || (who.level === 'mentions' && (mention || who.roomKind === 'direct'));
  return wanted ? { tell: true, mention } : { tell: false, why: 'level' };
}
