import { messageMentions, notifyRule, type Message, type RoomKind, type RoomNotifications } from '@qc/shared';

/*
 * Whether a message that just arrived should tell this person, and how: the tab title, the
 * desktop notification and the sound all follow this, and it follows the rule the server's
 * Web Push uses (notifyRule in @qc/shared), so they never disagree.
 */

/** Whether the message names me, tells everyone, or replies in a thread I am in. */
export const mentionsMe: (message: Message, meId: string) => boolean = messageMentions;

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
 * notifyRule (level × mention × mute), and on top of it what only the page knows:
 * - a message I am looking at: nothing;
 * - told: a desktop notification only while the tab is hidden; otherwise the badge and title.
 */
export function decideNotification(message: Message, ctx: NotificationContext): NotificationDecision {
  if (message.senderId === ctx.meId) return { tell: false, why: 'mine' };
  if (message.deletedAt) return { tell: false, why: 'deleted' };
  if (ctx.lookingAtRoom && !ctx.tabHidden) return { tell: false, why: 'seen' };
  const rule = notifyRule(message, {
    userId: ctx.meId,
    roomKind: ctx.roomKind,
    level: ctx.settings.level,
    mutedUntil: ctx.settings.mutedUntil,
    now: ctx.now,
  });
  return rule.tell ? { ...rule, desktop: ctx.tabHidden } : rule;
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
