import type {
  AdminRoom,
  AdminRoomDetail,
  AdminRoomQuery,
  AdminUser,
  AuditEntry,
  AuditPage,
  AuditQuery,
  BanBody,
  InstanceRole,
  LiftBody,
  MemberSanction,
  Message,
  ModeratorMute,
  MuteBody,
  RoomPace,
} from '@qc/shared';
import { AppError } from '../errors';
import { namesFor } from './names';
import type { MetadataStore, RoomRecord, UserRecord } from '../ports/metadata.port';
import type { AuditRecord, ModerationStore } from '../ports/moderation-store.port';
import type { RoomsService } from '../services/rooms.service';
import { mayModerate, type ModerationAction, type Standing } from '@qc/shared';

/** What moderation tells the rest of the product. */
export interface ModerationEffects {
  /** A room's members changed (a mute too): every node drops what it holds of them (RoomStates). */
  roomChanged(roomId: string): void;
  /** Tells a person's devices they were muted in a room, or that it was lifted (null). */
  tellMuted(userId: string, roomId: string, mute: ModeratorMute | null): void;
  /** Tells a room's members its new pace (slow mode, lock). */
  tellPace(pace: RoomPace): void;
  /** Closes every socket of a person on every node (their account was disabled, or their sessions ended). */
  disconnectUser(userId: string): void;
}

export const toAdminUser = (u: UserRecord): AdminUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  instanceRole: u.instanceRole,
  createdAt: u.createdAt.toISOString(),
  lastSeenAt: u.lastSeenAt?.toISOString() ?? null,
  disabledAt: u.disabledAt?.toISOString() ?? null,
  disabledReason: u.disabledReason ?? null,
});

export const toAuditEntry = (r: AuditRecord): AuditEntry => ({
  id: r.id,
  at: r.at.toISOString(),
  actorId: r.actorId,
  action: r.action,
  targetUserId: r.targetUserId,
  roomId: r.roomId,
  messageId: r.messageId,
  reason: r.reason,
  before: r.before,
  after: r.after,
  caseId: r.caseId,
});

/**
 * The moderation actions on people in rooms (mute, kick, ban) and on the instance (roles),
 * each decided by mayModerate from the actor's and the target's standing, and each written
 * with its audit log entry in one transaction (ModerationStore).
 */
export class ModerationService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly store: ModerationStore,
    private readonly rooms: Pick<RoomsService, 'membershipEnded' | 'destroyAsStaff'>,
    private readonly effects: ModerationEffects,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A member's sends are refused MUTED until `minutes` from now; it lifts by itself. */
  async mute(actorId: string, roomId: string, targetId: string, body: MuteBody, caseId?: string): Promise<MemberSanction> {
    await this.authorise('member.mute', actorId, roomId, targetId);
    const until = new Date(this.now().getTime() + body.minutes * 60_000);
    const change = await this.store.silence(roomId, targetId, until, body.reason, {
      actorId,
      action: 'member.mute',
      targetUserId: targetId,
      roomId,
      reason: body.reason,
      caseId,
    });
    if (!change) throw AppError.notFound('member');
    this.effects.roomChanged(roomId);
    this.effects.tellMuted(targetId, roomId, { until: until.toISOString(), reason: body.reason });
    return { roomId, userId: targetId, until: until.toISOString(), reason: body.reason };
  }

  async unmute(actorId: string, roomId: string, targetId: string, body: LiftBody): Promise<void> {
    await this.authorise('member.unmute', actorId, roomId, targetId);
    const change = await this.store.silence(roomId, targetId, null, null, {
      actorId,
      action: 'member.unmute',
      targetUserId: targetId,
      roomId,
      reason: body.reason,
    });
    if (!change) throw AppError.notFound('member');
    this.effects.roomChanged(roomId);
    this.effects.tellMuted(targetId, roomId, null);
  }

  /** Removed from the room; they may come back (a channel) or be invited again. */
  async kick(actorId: string, roomId: string, targetId: string, body: LiftBody, caseId?: string): Promise<void> {
    const target = await this.authorise('member.kick', actorId, roomId, targetId);
    if (!target.roomRole) throw AppError.notFound('member');
    if (target.roomRole === 'owner') throw AppError.conflict("the room's owner cannot be removed: they hand it on by leaving");
    if (
      !(await this.store.kick(roomId, targetId, {
        actorId,
        action: 'member.kick',
        targetUserId: targetId,
        roomId,
        reason: body.reason,
        caseId,
      }))
    ) {
      throw AppError.notFound('member');
    }
    this.rooms.membershipEnded(roomId, targetId);
  }

  /** Removed if a member, and kept out (no rejoin, no invite) for `minutes`, or until lifted. */
  async ban(actorId: string, roomId: string, targetId: string, body: BanBody, caseId?: string): Promise<MemberSanction> {
    const target = await this.authorise('member.ban', actorId, roomId, targetId);
    if (target.roomRole === 'owner') throw AppError.conflict("the room's owner cannot be banned: they hand it on by leaving");
    if (!(await this.meta.findUserById(targetId))) throw AppError.notFound('user');
    const until = body.minutes ? new Date(this.now().getTime() + body.minutes * 60_000) : null;
    const { wasMember } = await this.store.ban(
      { roomId, userId: targetId, until, reason: body.reason, bannedBy: actorId },
      { actorId, action: 'member.ban', targetUserId: targetId, roomId, reason: body.reason, caseId },
    );
    if (wasMember) this.rooms.membershipEnded(roomId, targetId);
    return { roomId, userId: targetId, until: until?.toISOString() ?? null, reason: body.reason };
  }

  async unban(actorId: string, roomId: string, targetId: string, body: LiftBody): Promise<void> {
    await this.authorise('member.unban', actorId, roomId, targetId);
    if (
      !(await this.store.unban(roomId, targetId, { actorId, action: 'member.unban', targetUserId: targetId, roomId, reason: body.reason }))
    ) {
      throw AppError.notFound('ban');
    }
  }

  /**
   * Makes someone instance staff (or not). `actorId` null is the server itself: the first
   * admins come from QC_ADMIN_USERNAMES.
   */
  async setInstanceRole(actorId: string | null, targetId: string, role: InstanceRole | null, reason: string): Promise<void> {
    if (actorId !== null) await this.authorise('user.grant-role', actorId, null, targetId);
    const done = await this.store.setInstanceRole(targetId, role, { actorId, action: 'user.grant-role', targetUserId: targetId, reason });
    if (!done) throw AppError.notFound('user');
  }

  /** Slow mode: each member (moderators and up aside) may send one message every `seconds` (0: off). Channels and groups. */
  async setSlowMode(actorId: string, roomId: string, seconds: number, reason: string): Promise<RoomPace> {
    return this.setPace(actorId, roomId, 'room.slow-mode', { slowModeSeconds: seconds }, reason);
  }

  /** Locks a channel or group read-only (only moderators and up post), or unlocks it. */
  async setReadOnly(actorId: string, roomId: string, readOnly: boolean, reason: string): Promise<RoomPace> {
    return this.setPace(actorId, roomId, 'room.lock', { readOnly }, reason);
  }

  private async setPace(
    actorId: string,
    roomId: string,
    action: 'room.slow-mode' | 'room.lock',
    pace: { slowModeSeconds?: number; readOnly?: boolean },
    reason: string,
  ): Promise<RoomPace> {
    await this.authorise(action, actorId, roomId, null);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    if (room.kind === 'direct') throw AppError.validation('a direct message has no slow mode or lock: those are for groups and channels');
    const now = await this.store.setRoomPace(roomId, pace, { actorId, action, roomId, reason });
    if (!now) throw AppError.notFound('room');
    this.effects.roomChanged(roomId);
    const told: RoomPace = { roomId, ...now, archived: !!room.archivedAt };
    this.effects.tellPace(told);
    return told;
  }

  /**
   * Archives a group or channel from the dashboard (nobody posts, whatever their role; kept
   * for its members to read; gone from the directory), or brings it back. Its members are
   * told at once (room:pace); every node reads the room again.
   */
  async setArchived(actorId: string, roomId: string, archived: boolean, reason: string): Promise<RoomPace> {
    await this.authorise('room.archive', actorId, null, null);
    const room = await this.meta.findRoomById(roomId);
    if (!room || room.kind === 'direct') throw AppError.notFound('room');
    const changed = await this.store.setArchived(roomId, archived ? this.now() : null, { actorId, action: 'room.archive', roomId, reason });
    if (!changed) throw AppError.conflict(archived ? 'this room is archived already' : 'this room is not archived');
    this.effects.roomChanged(roomId);
    const told: RoomPace = { roomId, slowModeSeconds: room.slowModeSeconds ?? 0, readOnly: room.readOnly ?? false, archived };
    this.effects.tellPace(told);
    return told;
  }

  /** Deletes a group or channel with its history from the dashboard (admins only), audited first. */
  async deleteRoom(actorId: string, roomId: string, reason: string): Promise<void> {
    await this.authorise('room.delete', actorId, null, null);
    const room = await this.meta.findRoomById(roomId);
    if (!room || room.kind === 'direct') throw AppError.notFound('room');
    await this.store.appendAudit({
      actorId,
      action: 'room.delete',
      roomId,
      reason,
      before: { name: room.name, kind: room.kind, memberCount: room.memberCount, lastSeq: room.lastSeq },
    });
    await this.rooms.destroyAsStaff(roomId);
  }

  /** The dashboard's rooms: groups and channels by name (never direct messages). */
  async listRooms(actorId: string, q: AdminRoomQuery): Promise<AdminRoom[]> {
    await this.requireStaff(actorId);
    return (await this.store.listRooms(q)).map(adminRoom);
  }

  /** One group or channel with its people and their roles. */
  async roomDetail(actorId: string, roomId: string): Promise<AdminRoomDetail> {
    await this.requireStaff(actorId);
    const room = await this.meta.findRoomById(roomId);
    if (!room || room.kind === 'direct') throw AppError.notFound('room');
    const members = await this.meta.listMembers(roomId);
    const users = new Map((await this.meta.findUsersByIds(members.map((m) => m.userId))).map((u) => [u.id, u]));
    return {
      room: adminRoom(room),
      members: members.map((m) => ({
        userId: m.userId,
        username: users.get(m.userId)?.username ?? '',
        displayName: users.get(m.userId)?.displayName ?? '',
        role: m.role,
        joinedAt: m.joinedAt.toISOString(),
        mutedUntil: m.silencedUntil && m.silencedUntil.getTime() > this.now().getTime() ? m.silencedUntil.toISOString() : null,
      })),
    };
  }

  /**
   * Disables an account: sign-in refused (ACCOUNT_DISABLED), every session ended and every
   * socket closed at once, its access tokens refused from the next request. Enabled again by
   * `enableAccount`. Staff accounts are out of reach of anyone not above them (the policy).
   */
  async disableAccount(actorId: string, targetId: string, reason: string): Promise<void> {
    await this.authorise('user.disable', actorId, null, targetId);
    const done = await this.store.setDisabled(
      targetId,
      { at: this.now(), reason },
      { actorId, action: 'user.disable', targetUserId: targetId, reason },
    );
    if (!done) throw await this.noChange(targetId, 'already disabled');
    this.effects.disconnectUser(targetId);
  }

  async enableAccount(actorId: string, targetId: string, reason: string): Promise<void> {
    await this.authorise('user.enable', actorId, null, targetId);
    const done = await this.store.setDisabled(targetId, null, { actorId, action: 'user.enable', targetUserId: targetId, reason });
    if (!done) throw await this.noChange(targetId, 'not disabled');
  }

  /** Signs a person out everywhere (a stolen laptop, a shared computer): every session and socket ends; they can sign in again. */
  async endSessions(actorId: string, targetId: string, reason: string): Promise<void> {
    await this.authorise('user.end-sessions', actorId, null, targetId);
    const done = await this.store.endSessions(targetId, this.now(), {
      actorId,
      action: 'user.end-sessions',
      targetUserId: targetId,
      reason,
    });
    if (!done) throw AppError.notFound('user');
    this.effects.disconnectUser(targetId);
  }

  /** People for the dashboard, by username or display name prefix. */
  async listUsers(actorId: string, q: string): Promise<AdminUser[]> {
    await this.requireStaff(actorId);
    return (await this.meta.searchUsers(q, 50)).map(toAdminUser);
  }

  private async noChange(userId: string, state: string): Promise<AppError> {
    const user = await this.meta.findUserById(userId);
    return !user || user.deletedAt ? AppError.notFound('user') : AppError.conflict(`this account is ${state}`);
  }

  /** The audit log, newest first, for the instance's staff. */
  async audit(actorId: string, q: AuditQuery): Promise<AuditPage> {
    await this.authorise('admin.read', actorId, null, null);
    const rows = await this.store.listAudit({
      actorId: q.actor,
      targetUserId: q.target,
      action: q.action,
      roomId: q.roomId,
      after: q.after ? new Date(q.after) : undefined,
      before: q.before ? new Date(q.before) : undefined,
      beforeId: q.cursor,
      limit: q.limit + 1,
    });
    const entries = rows.slice(0, q.limit).map(toAuditEntry);
    return {
      entries,
      nextCursor: rows.length > q.limit ? entries.at(-1)!.id : null,
      names: await namesFor(
        this.meta,
        entries.flatMap((e) => [e.actorId, e.targetUserId]),
        entries.map((e) => e.roomId),
      ),
    };
  }

  /** Whether the moderation policy lets `actorId` delete a message `authorId` wrote in this room. */
  async mayDeleteMessage(actorId: string, roomId: string, authorId: string): Promise<boolean> {
    const [actor, author] = await Promise.all([this.standing(actorId, roomId), this.standing(authorId, roomId)]);
    return mayModerate('message.delete', actor, author);
  }

  /** Someone else's message deleted by staff: the audit log keeps what it said. */
  async messageDeleted(actorId: string, original: Message, caseId?: string): Promise<void> {
    await this.store.appendAudit({
      caseId,
      actorId,
      action: 'message.delete',
      targetUserId: original.senderId,
      roomId: original.roomId,
      messageId: original.id,
      before: { content: original.content, seq: original.seq, createdAt: original.createdAt },
      after: { deleted: true },
    });
  }

  /** Refused FORBIDDEN unless the policy lets the actor take this action (on no one in particular) here. */
  async requireAllowed(action: ModerationAction, actorId: string, roomId: string | null): Promise<void> {
    await this.authorise(action, actorId, roomId, null);
  }

  /** Whether someone is instance staff (the dashboard's gate). */
  async requireStaff(actorId: string): Promise<void> {
    await this.authorise('admin.read', actorId, null, null);
  }

  /**
   * Refused FORBIDDEN unless the policy allows it; answers the target's standing. A room's
   * member who may not act learns only that; a stranger to the room, that they are not a member.
   */
  private async authorise(action: ModerationAction, actorId: string, roomId: string | null, targetId: string | null): Promise<Standing> {
    if (targetId !== null && targetId === actorId) throw AppError.forbidden('you cannot take this action on yourself');
    const [actor, target] = await Promise.all([this.standing(actorId, roomId), targetId ? this.standing(targetId, roomId) : null]);
    if (roomId !== null && !actor.roomRole && !actor.instanceRole) throw AppError.forbidden();
    if (!mayModerate(action, actor, target))
      throw AppError.forbidden(`you may not ${action.replace(/^[a-z]+\./, '').replace('-', ' ')} here`);
    return target ?? { instanceRole: null, roomRole: null };
  }

  private async standing(userId: string, roomId: string | null): Promise<Standing> {
    const [user, membership] = await Promise.all([
      this.meta.findUserById(userId),
      roomId ? this.meta.getMembership(roomId, userId) : Promise.resolve(null),
    ]);
    return { instanceRole: user && !user.deletedAt ? user.instanceRole : null, roomRole: membership?.role ?? null };
  }
}

/** A group or channel as the dashboard lists it. */
function adminRoom(r: RoomRecord): AdminRoom {
  return {
    id: r.id,
    kind: r.kind === 'channel' ? 'channel' : 'group',
    name: r.name ?? '',
    topic: r.topic,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    memberCount: r.memberCount,
    lastMessageAt: r.lastMessageAt?.toISOString() ?? null,
    slowModeSeconds: r.slowModeSeconds ?? 0,
    readOnly: r.readOnly ?? false,
    archived: !!r.archivedAt,
  };
}
