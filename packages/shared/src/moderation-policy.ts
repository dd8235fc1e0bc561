import type { InstanceRole } from './moderation';
import type { Role } from './schemas';

/*
 * Who may take which moderation action on whom: one pure decision from (the actor's instance
 * role, the actor's role in the room, the target's roles), unit-tested as a table of every
 * action × role pair. The server's services ask it before acting; the web app asks it only
 * to offer the actions that would be allowed (here, in shared, so the two never disagree).
 */

/** Actions inside a room (the room's staff, or the instance's). */
export const ROOM_MODERATION_ACTIONS = [
  'message.delete',
  'member.mute',
  'member.unmute',
  'member.kick',
  'member.ban',
  'member.unban',
  'room.slow-mode',
  'room.lock',
  'room.rules',
] as const;
/** Actions on the instance (its staff only). */
export const INSTANCE_MODERATION_ACTIONS = [
  'user.disable',
  'user.enable',
  'user.end-sessions',
  'user.grant-role',
  'admin.read',
  'rules.edit',
  'room.archive',
  'room.delete',
] as const;
export type RoomModerationAction = (typeof ROOM_MODERATION_ACTIONS)[number];
export type InstanceModerationAction = (typeof INSTANCE_MODERATION_ACTIONS)[number];
export type ModerationAction = RoomModerationAction | InstanceModerationAction;

/** Someone's standing: their instance role (null: none) and their role in the room (null: not a member, or no room). */
export interface Standing {
  instanceRole: InstanceRole | null;
  roomRole: Role | null;
}

const ROOM_RANK: Record<Role, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };
const STAFF_RANK: Record<InstanceRole, number> = { moderator: 1, admin: 2 };

/**
 * The least room role that takes each room action: moderators keep the conversation (delete,
 * mute, kick); admins also keep people out and set the room's pace (ban, slow mode, lock).
 */
const LEAST_ROOM_ROLE: Record<RoomModerationAction, Role> = {
  'message.delete': 'moderator',
  'member.mute': 'moderator',
  'member.unmute': 'moderator',
  'member.kick': 'moderator',
  'member.ban': 'admin',
  'member.unban': 'admin',
  'room.slow-mode': 'admin',
  'room.lock': 'admin',
  'room.rules': 'admin',
};

/** The least instance role for each instance action: roles are granted by admins only. */
const LEAST_STAFF_ROLE: Record<InstanceModerationAction, InstanceRole> = {
  'user.disable': 'moderator',
  'user.enable': 'moderator',
  'user.end-sessions': 'moderator',
  'user.grant-role': 'admin',
  'admin.read': 'moderator',
  'rules.edit': 'moderator',
  // From the dashboard, on any group or channel: archiving is undone, deleting is not.
  'room.archive': 'moderator',
  'room.delete': 'admin',
};

const staffRank = (r: InstanceRole | null) => (r ? STAFF_RANK[r] : 0);
const isInstanceAction = (a: ModerationAction): a is InstanceModerationAction => a in LEAST_STAFF_ROLE;

/**
 * May `actor` take `action` on `target` (null: an action on the room itself, or `admin.read`)?
 *  - The instance's staff are never acted on by anyone below or beside them: a moderator does
 *    not mute another moderator, an admin does not disable another admin, and no room owner
 *    touches either (a room's roles do not reach the people who keep the instance).
 *  - Instance actions need the instance role they name.
 *  - Room actions: instance staff take them in every room; otherwise the actor's room role
 *    must be at least the action's and above the target's (a moderator mutes members, an admin
 *    also moderators, the owner everyone). A target outside the room (a ban before they
 *    join, an unban) stands as a member.
 * Acting on oneself is the service's to refuse: this compares roles, not people.
 */
export function mayModerate(action: ModerationAction, actor: Standing, target: Standing | null): boolean {
  const actorStaff = staffRank(actor.instanceRole);
  const targetStaff = staffRank(target?.instanceRole ?? null);
  if (targetStaff > 0 && targetStaff >= actorStaff) return false;
  if (isInstanceAction(action)) return actorStaff >= STAFF_RANK[LEAST_STAFF_ROLE[action]];
  if (actorStaff > 0) return true;
  if (!actor.roomRole || ROOM_RANK[actor.roomRole] < ROOM_RANK[LEAST_ROOM_ROLE[action]]) return false;
  return !target || ROOM_RANK[actor.roomRole] > ROOM_RANK[target.roomRole ?? 'member'];
}
