import type { InstanceRole, NotifyLevel, Role, RoomKind } from '@qc/shared';

/** Users, rooms, members and refresh tokens: the relational metadata of the product. */

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  avatarUrl: string | null;
  passwordHash: string;
  createdAt: Date;
  lastSeenAt: Date | null;
  /** Set when the account was erased: the row stays as a tombstone (rooms and messages name it by id), emptied of the person. */
  deletedAt: Date | null;
  /** IANA name; null until the person's app tells it. */
  timeZone: string | null;
  /** The instance's staff (admin, moderator); null for everyone else. */
  instanceRole: InstanceRole | null;
  /** Set while the instance's staff have the account disabled: sign-in refused, sessions ended. */
  disabledAt?: Date | null;
  disabledReason?: string | null;
  /** Access tokens issued before this (to the second) are refused: their sessions were ended. */
  sessionsEndedAt?: Date | null;
}

export interface RoomRecord {
  id: string;
  kind: RoomKind;
  name: string | null;
  topic: string | null;
  createdBy: string;
  createdAt: Date;
  /** For a direct room, the key of its two people's ids (see NewRoom.directKey): who the other one was, even once they are gone. */
  directKey: string | null;
  lastSeq: number;
  lastMessageAt: Date | null;
  memberCount: number;
  /** Seconds between one member's messages (0: off); moderators and up are not held to it. */
  slowModeSeconds?: number;
  /** Only moderators and up may post. */
  readOnly?: boolean;
  /** Archived by the instance's staff (nobody posts; not in the directory); null when not. */
  archivedAt?: Date | null;
}

export interface MembershipRecord {
  roomId: string;
  userId: string;
  role: Role;
  joinedAt: Date;
  readSeq: number;
  /** Delivered to some device of theirs up to here; never behind readSeq (reading implies delivery). */
  deliveredSeq: number;
  /** How the room may tell them of new messages (all / mentions / none; null: the room kind's default), and a mute until a time. */
  notifyLevel: NotifyLevel | null;
  mutedUntil: Date | null;
  /** A moderator's timed mute: their sends are refused MUTED until then (and why); null when not muted. */
  silencedUntil: Date | null;
  silenceReason: string | null;
}

/** A member's receipt pointers in a room; delivered already counts what they read (reading implies delivery). */
export interface ReceiptRecord {
  userId: string;
  deliveredSeq: number;
  readSeq: number;
}

/** A pointer move's outcome: the member's pointers after it, and whether either one changed. */
export interface ReceiptMove extends ReceiptRecord {
  moved: boolean;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

/** A signed-in device: one refresh-token family, from its sign-in to its latest refresh. */
export interface SessionRecord {
  /** The family's id (never a token or its hash). */
  id: string;
  startedAt: Date;
  /** Its newest token's creation: each refresh rotates the token, so this is its last use. */
  lastUsedAt: Date;
  expiresAt: Date;
  /** When its last token was revoked (signed out, rotated out, or ended for safety); null while it can still refresh. */
  endedAt: Date | null;
}

export interface NewRoom {
  kind: RoomKind;
  name: string | null;
  topic: string | null;
  createdBy: string;
  /** For direct rooms: a stable key of the two user ids, unique, so a DM exists once. */
  directKey: string | null;
  members: { userId: string; role: Role }[];
}

/**
 * createRoom or updateRoom would give a channel the name another channel has, case aside.
 * The store decides (two people creating "General" at once cannot both win), so it says so
 * with this, and nothing is stored.
 */
export class ChannelNameTaken extends Error {
  constructor(readonly channelName: string) {
    super(`a channel called "${channelName}" exists already`);
    this.name = 'ChannelNameTaken';
  }
}

export interface MetadataStore {
  // users
  createUser(u: { id: string; username: string; displayName: string; passwordHash: string }): Promise<UserRecord>;
  findUserById(id: string): Promise<UserRecord | null>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  findUsersByIds(ids: string[]): Promise<UserRecord[]>;
  searchUsers(query: string, limit: number): Promise<UserRecord[]>;
  /** Searches and updates pass over erased accounts: they are not in the directory, and their tombstone never changes. Fields left undefined are kept; `null` clears avatarUrl or timeZone. */
  updateUser(id: string, patch: { displayName?: string; avatarUrl?: string | null; timeZone?: string | null }): Promise<UserRecord | null>;
  touchLastSeen(id: string, at: Date): Promise<void>;
  /**
   * Erases the account in one transaction: the row becomes a tombstone (username freed,
   * name DELETED_USER_NAME, no avatar, no password hash, no last-seen, deletedAt set) and
   * every refresh token of it is deleted, so no session of it can refresh again. False
   * when there is no such account, or it was erased already.
   */
  eraseUser(id: string, at: Date): Promise<boolean>;
  /** The account's sessions (refresh-token families), oldest first. */
  listSessions(userId: string): Promise<SessionRecord[]>;

  // refresh tokens
  insertRefreshToken(t: Omit<RefreshTokenRecord, 'revokedAt'>): Promise<void>;
  findRefreshTokenByHash(hash: string): Promise<RefreshTokenRecord | null>;
  /** Marks one token used; false if it was already revoked (a reuse). */
  revokeRefreshToken(id: string, at: Date): Promise<boolean>;
  revokeRefreshFamily(familyId: string, at: Date): Promise<void>;

  // rooms
  /**
   * Creates the room and its members in one transaction. A direct room whose key exists returns the existing one.
   * A channel named as another one (case aside) is refused with ChannelNameTaken.
   */
  createRoom(r: NewRoom): Promise<{ room: RoomRecord; created: boolean }>;
  findRoomById(id: string): Promise<RoomRecord | null>;
  findRoomByDirectKey(key: string): Promise<RoomRecord | null>;
  /** Refuses a channel name another channel has (case aside) with ChannelNameTaken. */
  updateRoom(id: string, patch: { name?: string; topic?: string | null }): Promise<RoomRecord | null>;
  deleteRoom(id: string): Promise<void>;
  /** With each room, how many unread messages mention the user (what countMentions says, for every room in one query). */
  listRoomsOfUser(userId: string): Promise<{ room: RoomRecord; membership: MembershipRecord; mentionCount: number }[]>;
  /** Only the ids of the user's rooms: what a socket handshake joins, without each room's record and member count. */
  listRoomIdsOfUser(userId: string): Promise<string[]>;
  listChannels(query: string | undefined, limit: number): Promise<RoomRecord[]>;

  // members
  getMembership(roomId: string, userId: string): Promise<MembershipRecord | null>;
  listMembers(roomId: string): Promise<MembershipRecord[]>;
  /** Adds a member; returns null if they were already one. */
  addMember(roomId: string, userId: string, role: Role): Promise<MembershipRecord | null>;
  removeMember(roomId: string, userId: string): Promise<boolean>;
  /**
   * In one statement: makes `successorId` owner and removes `userId`; false (and nothing
   * changed) if the successor is no longer a member.
   */
  removeMemberHandingOver(roomId: string, userId: string, successorId: string): Promise<boolean>;
  /** Moves the delivered pointer forward only, capped at the room's last seq; null if not a member. */
  advanceDeliveredMarker(roomId: string, userId: string, seq: number): Promise<ReceiptMove | null>;
  /** Moves the read pointer forward only (never back), capped at the room's last seq; says what the member's receipt is now and whether it moved; null if not a member. */
  advanceReadReceipt(roomId: string, userId: string, seq: number): Promise<ReceiptMove | null>;
  /** Unread messages (seq above their read marker) that mention the user or everyone. */
  countMentions(roomId: string, userId: string): Promise<number>;
  /** Sets the member's notification level and mute; null if not a member. */
  setNotifications(roomId: string, userId: string, level: NotifyLevel, mutedUntil: Date | null): Promise<MembershipRecord | null>;

  /** Every member's pointers, one per member: O(members), whatever the history length. */
  listReceipts(roomId: string): Promise<ReceiptRecord[]>;
  /**
   * Everyone who shares at least one room with the user (for presence), counting only rooms
   * of fewer than `roomsUnder` members when given: a very large room is pulled, not pushed
   * (hybrid fan-out), and its members' presence with it.
   */
  listPeersOf(userId: string, roomsUnder?: number): Promise<string[]>;

  ping(): Promise<void>;
}

export const METADATA_STORE = Symbol('MetadataStore');
