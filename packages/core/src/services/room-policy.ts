import type { Role, RoomKind } from '@qc/shared';

/*
 * Who may do what in a room: pure rules, unit-tested on their own, enforced by RoomsService.
 */

export const canManageMembers = (kind: RoomKind, role: Role) => kind !== 'direct' && (role === 'owner' || role === 'admin');

export const canEditRoom = (kind: RoomKind, role: Role) => kind !== 'direct' && (role === 'owner' || role === 'admin');

export const canDeleteRoom = (kind: RoomKind, role: Role) => kind !== 'direct' && role === 'owner';

/** Self-join is for public channels only; groups are by invitation. */
export const canSelfJoin = (kind: RoomKind) => kind === 'channel';

/**
 * Removing someone: anyone may leave a group or channel (not a DM, which has exactly two
 * people); owners remove anyone; admins remove plain members only.
 */
export function canRemoveMember(kind: RoomKind, actor: { id: string; role: Role }, target: { id: string; role: Role }): boolean {
  if (kind === 'direct') return false;
  if (actor.id === target.id) return true;
  if (actor.role === 'owner') return true;
  if (actor.role === 'admin') return target.role === 'member';
  return false;
}

/** The key that makes a DM between two people unique, whichever of them opens it. */
export const directKey = (a: string, b: string) => (a < b ? `${a}:${b}` : `${b}:${a}`);

/**
 * Who becomes owner when the last owner leaves a group or channel: the longest-standing
 * admin, else the longest-standing member; null when nobody else is in it.
 *
 * Why hand over rather than refuse: the protocol has no way to change a member's role, so
 * "make someone else owner first" would leave an owner who wants out only the choice of
 * deleting the room and everyone's history with it. The oldest admin is already trusted
 * to manage the room, and the oldest member has been there longest; either way the room
 * never ends up with nobody able to manage it (the finding).
 */
export function successorOf(members: readonly { userId: string; role: Role; joinedAt: Date }[], leavingId: string): string | null {
  const others = members.filter((m) => m.userId !== leavingId).sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime());
  return (others.find((m) => m.role === 'admin') ?? others[0])?.userId ?? null;
}

/** Whether removing this member leaves the room with no owner (DMs have none to keep). */
export function leavesNoOwner(kind: RoomKind, members: readonly { userId: string; role: Role }[], leavingId: string): boolean {
  if (kind === 'direct') return false;
  const leaving = members.find((m) => m.userId === leavingId);
  return leaving?.role === 'owner' && !members.some((m) => m.role === 'owner' && m.userId !== leavingId);
}
