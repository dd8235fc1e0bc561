import { parseMentions, type Message, type RoomKind, type RoomNotifications } from '@qc/shared';

/*
 * Whether a message that just arrived should tell this person, and how: the one decision the
 * tab title, the desktop notification and the sound all follow, so they never disagree.
 */

/** Whether the message names me, tells everyone, or replies in a thread I am in (the server worked that out). */
export function mentionsMe(message: Message, meId: string): boolean {
  if (message.mentions) return message.mentions.everyone || message.mentions.userIds.includes(meId);
  // History and catch-up carry no `mentions`: the text still says whom it names.
  const parsed = parseMentions(message.content);
  return parsed.broadcast === 'channel' || parsed.userIds.includes(meId);
}

export interface NotificationContext {
  meId: string;
  roomKind: RoomKind;
  settings: RoomNotifications;
  /** The page is hidden (another tab, minimised): only then does a desktop notification show. */
  tabHidden: boolean;
  /** The room is on screen and the page visible: nothing to tell, they see it. */
  lookingAtRoom: boolean;
  now: Date;
}

export type NotificationDecision =
  { tell: false; why: 'mine' | 'seen' | 'muted' | 'level' | 'deleted' } | { tell: true; mention: boolean; desktop: boolean };

/**
 * Level × mention × hidden tab × mute:
 * - my own message, or one I am looking at, or a deleted one: nothing;
 * - a room muted until later: nothing, mentions included (that is what muting is for);
 * - level `none`: nothing; `mentions`: only what mentions me, and every DM message (a DM is
 *   addressed to me); `all`: everything;
 * - told: a desktop notification only while the tab is hidden; otherwise the badge and title.
 */
export function decideNotification(message: Message, ctx: NotificationContext): NotificationDecision {
  if (message.senderId === ctx.meId) return { tell: false, why: 'mine' };
  if (message.deletedAt) return { tell: false, why: 'deleted' };
  if (ctx.lookingAtRoom && !ctx.tabHidden) return { tell: false, why: 'seen' };
  const mutedUntil = ctx.settings.mutedUntil ? Date.parse(ctx.settings.mutedUntil) : 0;
  if (mutedUntil > ctx.now.getTime()) return { tell: false, why: 'muted' };
  const mention = mentionsMe(message, ctx.meId);
  const level = ctx.settings.level;
  const wanted = level === 'all' || (level === 'mentions' && (mention || ctx.roomKind === 'direct'));
  if (!wanted) return { tell: false, why: 'level' };
  return { tell: true, mention, desktop: ctx.tabHidden };
}

/** The page title with how many unread messages wait, as Slack and Discord show it: "(3) Quantum Chat". */
export function titleWithUnread(base: string, unread: number, mentions: number): string {
  if (unread <= 0 && mentions <= 0) return base;
  const n = unread > 99 ? '99+' : String(unread);
  return mentions > 0 ? `(${n}) @ ${base}` : `(${n}) ${base}`;
}

/** What the title and favicon count: unread messages of the rooms allowed to tell, and unread mentions among them. */
export function countForBadge(
  rooms: readonly { kind: RoomKind; unreadCount: number; mentionCount: number; notifications: RoomNotifications }[],
  now: Date,
): { unread: number; mentions: number } {
  let unread = 0;
  let mentions = 0;
  for (const r of rooms) {
    const muted = r.notifications.mutedUntil ? Date.parse(r.notifications.mutedUntil) > now.getTime() : false;
    if (muted || r.notifications.level === 'none') continue;
    mentions += r.mentionCount;
    unread += r.notifications.level === 'all' || r.kind === 'direct' ? r.unreadCount : r.mentionCount;
  }
  return { unread, mentions };
}
