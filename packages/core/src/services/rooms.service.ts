import type {
  AddMemberBody,
  BrowsedChannel,
  CreateRoomBody,
  Member,
  MyRoom,
  PatchRoomBody,
  Room,
  Role,
  RoomNotifications,
  RoomKind,
  RoomNotificationsBody,
} from '@qc/shared';
import { defaultNotifyLevel } from '@qc/shared';
import { AppError } from '../errors';
import type { UploadRecord } from '../ports/upload-store.port';
import type { Broadcaster } from '../ports/broadcaster.port';
import { ChannelNameTaken, type MembershipRecord, type MetadataStore, type RoomRecord, type UserRecord } from '../ports/metadata.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { MessageStore } from '../ports/message-store.port';
import type { PresenceStore } from '../ports/presence.port';
import type { SearchIndex } from '../ports/search-index.port';
import {
  canDeleteRoom,
  canEditRoom,
  canManageMembers,
  canRemoveMember,
  canSelfJoin,
  directKey,
  leavesNoOwner,
  successorOf,
} from './room-policy';
import { toPublicUser } from './users.service';
import type { ThrottleService } from './throttle.service';
import type { RoomSizes } from '../lib/room-sizes';

/** Who is kept out of which room (moderation's bans): joins and invites are refused while one runs. */
export interface RoomBans {
  activeBan(roomId: string, userId: string, now: Date): Promise<{ until: Date | null } | null>;
}

/** What RoomsService needs of the uploads, to remove a deleted room's files. */
export interface RoomFiles {
  list(roomId: string): Promise<UploadRecord[]>;
  remove(files: readonly UploadRecord[]): Promise<void>;
}

export class RoomsService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly messages: MessageStore,
    private readonly states: MessageStateStore,
    private readonly presence: PresenceStore,
    private readonly broadcaster: Broadcaster,
    private readonly searchIndex: SearchIndex,
    private readonly onCleanupError: (err: unknown, roomId: string) => void = () => undefined,
    /** Caps room creation per person; without one (some tests) it is not limited. */
    private readonly throttle: ThrottleService | null = null,
    /**
     * Member counts for hybrid fan-out; `forget` is called as members come and go (the
     * composition makes it a membership event to every node, which also drops the room's
     * members held in memory). Without it (some tests) every room is small.
     */
    private readonly roomSizes: Pick<RoomSizes, 'isLarge' | 'forget'> | null = null,
    /** The room's files: listed before it is deleted, their bytes removed after (the rows go with the room). */
    private readonly files: RoomFiles | null = null,
    /** Bans (moderation); without them (some tests) nobody is kept out. */
    private readonly bans: RoomBans | null = null,
  ) {}

  /**
   * `room:open`: the room a device shows now (null: none), for hybrid fan-out. Only a member
   * may open a room. `pull` says the room is large: while it was not open the device got
   * only `room:activity`, so it catches up by room:sync once its socket has the room open.
   */
  async open(roomId: string | null, userId: string): Promise<{ roomId: string | null; pull: boolean }> {
    if (roomId === null) return { roomId: null, pull: false };
    await this.requireMember(roomId, userId);
    return { roomId, pull: (await this.roomSizes?.isLarge(roomId)) ?? false };
  }

  /** Someone's membership of a room, or null (no check: for callers that decide themselves). */
  membership(roomId: string, userId: string): Promise<MembershipRecord | null> {
    return this.meta.getMembership(roomId, userId);
  }

  /** The membership check every read and write of a room goes through. */
  async requireMember(roomId: string, userId: string): Promise<MembershipRecord> {
    const m = await this.meta.getMembership(roomId, userId);
    if (!m) throw AppError.forbidden();
    return m;
  }

  async listMine(userId: string): Promise<MyRoom[]> {
    const rows = await this.meta.listRoomsOfUser(userId);
    return Promise.all(rows.map(({ room, membership, mentionCount }) => this.toMyRoom(room, membership, mentionCount)));
  }

  async browseChannels(userId: string, q: string | undefined): Promise<BrowsedChannel[]> {
    const [channels, mine] = await Promise.all([this.meta.listChannels(q, 100), this.meta.listRoomsOfUser(userId)]);
    const joined = new Set(mine.map((r) => r.room.id));
    return channels.map((c) => ({ ...toRoom(c, c.name ?? ''), joined: joined.has(c.id) }));
  }

  async get(roomId: string, userId: string): Promise<MyRoom> {
    const membership = await this.requireMember(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    return this.toMyRoom(room, membership);
  }

  async create(userId: string, body: CreateRoomBody): Promise<{ room: MyRoom; created: boolean }> {
    await this.throttle?.roomCreation(userId);
    let result: { room: RoomRecord; created: boolean };
    let memberIds: string[];
    // A still-valid access token of an account that is gone (a wiped database under a kept
    // JWT_SECRET) is refused here, as /users/me refuses it, not by the rooms table's foreign key as a 500.
    if (!isActive(await this.meta.findUserById(userId))) throw AppError.unauthenticated('account no longer exists');
    if (body.kind === 'direct') {
      if (body.userId === userId) throw AppError.validation('userId: a direct conversation needs another person');
      if (!isActive(await this.meta.findUserById(body.userId))) throw AppError.notFound('user');
      memberIds = [userId, body.userId];
      result = await this.meta.createRoom({
        kind: 'direct',
        name: null,
        topic: null,
        createdBy: userId,
        directKey: directKey(userId, body.userId),
        members: memberIds.map((id) => ({ userId: id, role: 'member' as Role })),
      });
    } else if (body.kind === 'group') {
      const invited = [...new Set(body.memberIds.filter((id) => id !== userId))];
      const found = (await this.meta.findUsersByIds(invited)).filter(isActive);
      if (found.length !== invited.length) throw AppError.validation('memberIds: some of these people do not exist');
      memberIds = [userId, ...invited];
      result = await this.meta.createRoom({
        kind: 'group',
        name: body.name,
        topic: null,
        createdBy: userId,
        directKey: null,
        members: [{ userId, role: 'owner' }, ...invited.map((id) => ({ userId: id, role: 'member' as Role }))],
      });
    } else {
      memberIds = [userId];
      result = await this.meta
        .createRoom({
          kind: 'channel',
          name: body.name,
          topic: body.topic ?? null,
          createdBy: userId,
          directKey: null,
          members: [{ userId, role: 'owner' }],
        })
        .catch(nameTaken);
    }
    if (result.created) {
      for (const id of memberIds) await this.announceAdded(result.room.id, id);
    }
    return { room: await this.get(result.room.id, userId), created: result.created };
  }

  async patch(roomId: string, userId: string, body: PatchRoomBody): Promise<MyRoom> {
    const m = await this.requireMember(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    if (!canEditRoom(room.kind, m.role)) throw AppError.forbidden('only owners and admins can change this room');
    await this.meta.updateRoom(roomId, body).catch(nameTaken);
    return this.get(roomId, userId);
  }

  async remove(roomId: string, userId: string): Promise<void> {
    const m = await this.requireMember(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    if (!canDeleteRoom(room.kind, m.role)) throw AppError.forbidden('only the owner can delete this room');
    await this.destroy(roomId, await this.meta.listMembers(roomId));
  }

  /** Deletes a room for the instance's staff (ModerationService decided and audited it): its history goes, its members are told. */
  async destroyAsStaff(roomId: string): Promise<void> {
    await this.destroy(roomId, await this.meta.listMembers(roomId));
  }

  /** Deletes the room with its history, and tells its members. */
  private async destroy(roomId: string, members: readonly MembershipRecord[]): Promise<void> {
    const files = (await this.files?.list(roomId)) ?? [];
    await this.meta.deleteRoom(roomId);
    await this.messages.deleteRoomMessages(roomId);
    await this.states.deleteRoom(roomId);
    this.roomSizes?.forget(roomId);
    for (const mem of members) {
      this.broadcaster.toUser(mem.userId, 'room:removed', { roomId });
      this.broadcaster.removeUserFromRoom(mem.userId, roomId);
    }
    // The room is gone once its row is: search only looks in rooms the asker is a member
    // of, so documents left behind (an index that is down now, or a message the indexer
    // writes after this) can never be found. Clearing them is housekeeping, not a reason
    // to fail a delete that already happened.
    await this.searchIndex.deleteRoom(roomId).catch((err: unknown) => this.onCleanupError(err, roomId));
    if (files.length > 0) await this.files!.remove(files).catch((err: unknown) => this.onCleanupError(err, roomId));
  }

  async listMembers(roomId: string, userId: string): Promise<Member[]> {
    await this.requireMember(roomId, userId);
    const members = await this.meta.listMembers(roomId);
    const ids = members.map((m) => m.userId);
    const [users, presence] = await Promise.all([this.meta.findUsersByIds(ids), this.presence.get(ids)]);
    const byId = new Map(users.map((u) => [u.id, u]));
    return members.flatMap((m) => {
      const u = byId.get(m.userId);
      if (!u) return [];
      return [
        {
          roomId,
          userId: m.userId,
          role: m.role,
          joinedAt: m.joinedAt.toISOString(),
          readSeq: m.readSeq,
          user: toPublicUser(u),
          presence: presence.get(m.userId)?.status ?? 'offline',
        },
      ];
    });
  }

  async addMember(roomId: string, actorId: string, body: AddMemberBody): Promise<Member> {
    const room = await this.meta.findRoomById(roomId);
    if (body.userId === actorId) {
      // Joining a public channel yourself: the one write a non-member may make.
      // A room that does not exist answers as one you may not join: a 404 here would tell a stranger which ids are rooms.
      if (!room || !canSelfJoin(room.kind)) throw AppError.forbidden('this room is by invitation only');
      if (await this.meta.getMembership(roomId, actorId)) throw AppError.conflict('you are already a member');
      refuseArchived(room);
      await this.refuseBanned(roomId, actorId, 'you are banned from this room');
      await this.meta.addMember(roomId, actorId, 'member');
    } else {
      const actor = await this.requireMember(roomId, actorId);
      if (!room) throw AppError.notFound('room');
      if (!canManageMembers(room.kind, actor.role)) throw AppError.forbidden('only owners and admins can add people');
      if (body.role === 'admin' && actor.role !== 'owner') throw AppError.forbidden('only the owner can make admins');
      if (!isActive(await this.meta.findUserById(body.userId))) throw AppError.notFound('user');
      refuseArchived(room);
      await this.refuseBanned(roomId, body.userId, 'this person is banned from this room');
      const added = await this.meta.addMember(roomId, body.userId, body.role ?? 'member');
      if (!added) throw AppError.conflict('already a member');
    }
    await this.announceAdded(roomId, body.userId);
    this.broadcaster.toRoom(roomId, 'member:changed', { roomId, userId: body.userId, change: 'joined' });
    const member = (await this.listMembers(roomId, body.userId)).find((m) => m.userId === body.userId);
    if (!member) throw AppError.notFound('member');
    return member;
  }

  async removeMember(roomId: string, actorId: string, targetId: string): Promise<void> {
    const actor = await this.requireMember(roomId, actorId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    const target = actorId === targetId ? actor : await this.meta.getMembership(roomId, targetId);
    if (!target) throw AppError.notFound('member');
    if (!canRemoveMember(room.kind, { id: actorId, role: actor.role }, { id: targetId, role: target.role })) {
      throw AppError.forbidden(room.kind === 'direct' ? 'a direct conversation cannot be left' : 'you cannot remove this member');
    }
    const members = target.role === 'owner' ? await this.meta.listMembers(roomId) : [];
    if (leavesNoOwner(room.kind, members, targetId)) {
      // The last owner going: the room passes on (see successorOf for why not refuse).
      const successor = successorOf(members, targetId);
      if (!successor) throw AppError.conflict('you are the only member of this room: delete the room instead of leaving it');
      if (!(await this.meta.removeMemberHandingOver(roomId, targetId, successor))) {
        throw AppError.conflict('the room changed while you were leaving it: try again');
      }
    } else {
      await this.meta.removeMember(roomId, targetId);
    }
    this.membershipEnded(roomId, targetId);
  }

  /**
   * Someone's membership ended (they left, were removed, kicked or banned): every node drops
   * what it holds of the room's members, their sockets leave the room, and everyone is told.
   */
  membershipEnded(roomId: string, userId: string): void {
    this.roomSizes?.forget(roomId);
    this.broadcaster.removeUserFromRoom(userId, roomId);
    this.broadcaster.toUser(userId, 'room:removed', { roomId });
    this.broadcaster.toRoom(roomId, 'member:changed', { roomId, userId, change: 'left' });
  }

  /** Refused while a ban keeps them out, saying until when. */
  private async refuseBanned(roomId: string, userId: string, message: string): Promise<void> {
    const ban = await this.bans?.activeBan(roomId, userId, new Date());
    if (ban) throw AppError.forbidden(`${message}${ban.until ? ` until ${ban.until.toISOString()}` : ''}`);
  }

  /**
   * An erased account leaves a room, whatever its kind (a DM too: its other person keeps
   * the conversation, with "Deleted user" on the other side). The last owner of a group or
   * channel hands it on as on leaving (successorOf: the longest-standing admin, else
   * member). A room left with nobody in it is deleted with its history: nobody could read
   * it again, and its only member asked to be forgotten.
   */
  async removeErasedMember(roomId: string, userId: string): Promise<void> {
    // A successor who leaves at the same moment makes the hand-over fail: read again and retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const room = await this.meta.findRoomById(roomId);
      if (!room) return;
      const members = await this.meta.listMembers(roomId);
      if (!members.some((m) => m.userId === userId)) return;
      if (members.length === 1) return this.destroy(roomId, members);
      if (leavesNoOwner(room.kind, members, userId)) {
        const successor = successorOf(members, userId)!;
        if (!(await this.meta.removeMemberHandingOver(roomId, userId, successor))) continue;
      } else {
        await this.meta.removeMember(roomId, userId);
      }
      this.roomSizes?.forget(roomId);
      this.broadcaster.removeUserFromRoom(userId, roomId);
      this.broadcaster.toRoom(roomId, 'member:changed', { roomId, userId, change: 'left' });
      return;
    }
    throw AppError.conflict('the room changed while your account was leaving it: try again');
  }

  private async announceAdded(roomId: string, userId: string) {
    this.roomSizes?.forget(roomId);
    this.broadcaster.addUserToRoom(userId, roomId);
    const m = await this.meta.getMembership(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (m && room) this.broadcaster.toUser(userId, 'room:added', await this.toMyRoom(room, m));
  }

  /** The members online now (for `@here`). */
  async onlineMembers(roomId: string): Promise<string[]> {
    const ids = (await this.meta.listMembers(roomId)).map((m) => m.userId);
    const status = await this.presence.get(ids);
    return ids.filter((id) => (status.get(id)?.status ?? 'offline') !== 'offline');
  }

  async notifications(roomId: string, userId: string): Promise<RoomNotifications> {
    const m = await this.requireMember(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    return notificationsOf(m, room.kind);
  }

  /** Stored on the membership, so every device of theirs reads the same; their other devices are told at once. */
  async setNotifications(roomId: string, userId: string, body: RoomNotificationsBody): Promise<RoomNotifications> {
    await this.requireMember(roomId, userId);
    const room = await this.meta.findRoomById(roomId);
    if (!room) throw AppError.notFound('room');
    const mutedUntil = body.mutedUntil ? new Date(body.mutedUntil) : null;
    const m = await this.meta.setNotifications(roomId, userId, body.level, mutedUntil && mutedUntil > new Date() ? mutedUntil : null);
    if (!m) throw AppError.forbidden();
    const settings = notificationsOf(m, room.kind);
    this.broadcaster.toUser(userId, 'room:notifications', { roomId, ...settings });
    return settings;
  }

  private async toMyRoom(room: RoomRecord, m: MembershipRecord, mentionCount?: number): Promise<MyRoom> {
    const [last] = await this.messages.listBefore(room.id, null, 1);
    let peer: MyRoom['peer'] = null;
    let peerPresence: MyRoom['peerPresence'] = null;
    if (room.kind === 'direct') {
      const members = await this.meta.listMembers(room.id);
      // The other person may have erased their account (and left): the room's key still names them.
      const otherId = members.find((x) => x.userId !== m.userId)?.userId ?? room.directKey?.split(':').find((id) => id !== m.userId);
      const u = otherId ? await this.meta.findUserById(otherId) : null;
      peer = u ? toPublicUser(u) : null;
      if (peer) peerPresence = (await this.presence.get([peer.id])).get(peer.id)?.status ?? 'offline';
    }
    const name = room.kind === 'direct' ? (peer?.displayName ?? 'Direct message') : (room.name ?? '');
    return {
      ...toRoom(room, name),
      role: m.role,
      readSeq: m.readSeq,
      unreadCount: Math.max(0, room.lastSeq - m.readSeq),
      mentionCount: mentionCount ?? (await this.meta.countMentions(room.id, m.userId)),
      notifications: notificationsOf(m, room.kind),
      ...(m.silencedUntil && m.silencedUntil > new Date()
        ? { mutedByModerator: { until: m.silencedUntil.toISOString(), reason: m.silenceReason } }
        : {}),
      lastMessage: last ?? null,
      peer,
      peerPresence,
    };
  }
}

const isActive = (u: UserRecord | null): u is UserRecord => u !== null && u.deletedAt === null;

/** An archived room is kept for the people who were in it: nobody new joins or is added until it is brought back. */
function refuseArchived(room: RoomRecord | null): void {
  if (room?.archivedAt) throw new AppError('READ_ONLY', 'this room is archived: nobody new joins it until it is brought back');
}

/**
 * What a member hears from a room. Unset, the kind decides, as in Slack: a busy channel tells
 * only of mentions, a DM or a group of every message. A mute that has ended is no mute.
 */
export function notificationsOf(m: MembershipRecord, kind: RoomKind): RoomNotifications {
  const muted = m.mutedUntil && m.mutedUntil > new Date() ? m.mutedUntil.toISOString() : null;
  return { level: m.notifyLevel ?? defaultNotifyLevel(kind), mutedUntil: muted };
}

/** The store refused a channel name another channel has: the person picks another. */
function nameTaken(e: unknown): never {
  if (e instanceof ChannelNameTaken)
    throw AppError.conflict(
      `there is already a channel called "${e.channelName}" (names are compared regardless of case): choose another name`,
    );
  throw e;
}

function toRoom(r: RoomRecord, name: string): Room {
  return {
    id: r.id,
    kind: r.kind,
    name,
    topic: r.topic,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdBy,
    lastSeq: r.lastSeq,
    memberCount: r.memberCount,
    ...(r.slowModeSeconds ? { slowModeSeconds: r.slowModeSeconds } : {}),
    ...(r.readOnly ? { readOnly: true } : {}),
    ...(r.archivedAt ? { archived: true } : {}),
  };
}
