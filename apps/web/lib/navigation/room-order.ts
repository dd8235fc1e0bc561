import type { MyRoom, RoomKind } from '@qc/shared';

/*
 * The sidebar's order, and moving along it from the keyboard (Alt+↑/↓, Alt+Shift+↑/↓).
 * The sidebar draws its sections from `roomsBySection`, so the keys follow what is on screen.
 */

/** The sidebar's sections, top to bottom. */
export const SECTION_ORDER: readonly RoomKind[] = ['channel', 'group', 'direct'];

/** My rooms by sidebar section, each keeping the list's order (most recent activity first). */
export function roomsBySection<R extends Pick<MyRoom, 'kind'>>(rooms: readonly R[]): Record<RoomKind, R[]> {
  const sections: Record<RoomKind, R[]> = { channel: [], group: [], direct: [] };
  for (const room of rooms) sections[room.kind].push(room);
  return sections;
}

/** Every room as the sidebar shows it, top to bottom. */
export function sidebarOrder<R extends Pick<MyRoom, 'kind'>>(rooms: readonly R[]): R[] {
  const sections = roomsBySection(rooms);
  return SECTION_ORDER.flatMap((kind) => sections[kind]);
}

export type Step = 1 | -1;

/**
 * The room above (-1) or below (1) the open one. The ends stop (the way a list does under
 * the arrow keys); with no room open, down starts at the top and up at the bottom.
 */
export function adjacentRoom(order: readonly Pick<MyRoom, 'id'>[], currentId: string | null, step: Step): string | null {
  if (order.length === 0) return null;
  const at = currentId === null ? -1 : order.findIndex((r) => r.id === currentId);
  if (at < 0) return (step === 1 ? order[0] : order[order.length - 1])!.id;
  return order[at + step]?.id ?? null;
}

/**
 * Whether Alt+Shift+↑/↓ should stop at this room: it has unread messages and is not muted
 * or set to tell nothing, as the sidebar shows it; a mention of me counts even there, as
 * its "@" badge does.
 */
export function hasUnreadToVisit(room: Pick<MyRoom, 'unreadCount' | 'mentionCount' | 'notifications'>, now: Date): boolean {
  if (room.mentionCount > 0) return true;
  if (room.unreadCount <= 0) return false;
  const { level, mutedUntil } = room.notifications;
  return level !== 'none' && !(mutedUntil !== null && Date.parse(mutedUntil) > now.getTime());
}

/**
 * The next room below (1) or above (-1) the open one that has unread messages, going round
 * past the end: unread rooms are few and may be anywhere. Null when no other room has any.
 */
export function adjacentUnreadRoom<R extends Pick<MyRoom, 'id'>>(
  order: readonly R[],
  currentId: string | null,
  step: Step,
  isUnread: (room: R) => boolean,
): string | null {
  const n = order.length;
  const at = currentId === null ? -1 : order.findIndex((r) => r.id === currentId);
  // From nowhere, down starts at the top and up at the bottom, as adjacentRoom does.
  const start = at >= 0 ? at : step === 1 ? -1 : n;
  for (let k = 1; k <= n; k += 1) {
    const room = order[(((start + step * k) % n) + n) % n]!;
    if (room.id !== currentId && isUnread(room)) return room.id;
  }
  return null;
}
