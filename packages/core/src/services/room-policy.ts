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
