import type { DataSource } from 'typeorm';
import { DELETED_USER_NAME, type InstanceRole, type NotifyLevel, type Role, type RoomKind } from '@qc/shared';
import {
  ChannelNameTaken,
  type MembershipRecord,
  type MetadataStore,
  type NewRoom,
  type ReceiptMove,
  type ReceiptRecord,
  type RefreshTokenRecord,
  type RoomRecord,
  type SessionRecord,
  type UserRecord,
} from '../../ports/metadata.port';
import { uuidv7 } from '../../lib/uuidv7';
import { queryRows } from './pg-rows';

/* Row shapes as pg returns them (bigint as string). */
interface UserRow {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  password_hash: string;
  created_at: Date;
  last_seen_at: Date | null;
  deleted_at: Date | null;
  time_zone: string | null;
  instance_role: InstanceRole | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  sessions_ended_at: Date | null;
}
interface RoomRow {
  id: string;
  kind: RoomKind;
  name: string | null;
  topic: string | null;
  created_by: string;
  created_at: Date;
  direct_key: string | null;
  last_seq: string;
  last_message_at: Date | null;
  member_count: string | number;
  slow_mode_seconds?: number;
  read_only?: boolean;
  archived_at?: Date | null;
}
interface MemberRow {
  room_id: string;
  user_id: string;
  role: Role;
  joined_at: Date;
  read_seq: string;
  delivered_seq: string;
  notify_level: NotifyLevel | null;
  muted_until: Date | null;
  silenced_until: Date | null;
  silence_reason: string | null;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  avatarUrl: r.avatar_url,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  deletedAt: r.deleted_at,
  timeZone: r.time_zone,
  instanceRole: r.instance_role,
  disabledAt: r.disabled_at ?? null,
  disabledReason: r.disabled_reason ?? null,
  sessionsEndedAt: r.sessions_ended_at ?? null,
});
const toRoom = (r: RoomRow): RoomRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  topic: r.topic,
  createdBy: r.created_by,
  createdAt: r.created_at,
  directKey: r.direct_key,
  lastSeq: Number(r.last_seq),
  lastMessageAt: r.last_message_at,
  memberCount: Number(r.member_count),
  slowModeSeconds: r.slow_mode_seconds ?? 0,
  readOnly: r.read_only ?? false,
  archivedAt: r.archived_at ?? null,
});
const toMember = (r: MemberRow): MembershipRecord => ({
  roomId: r.room_id,
  userId: r.user_id,
  role: r.role,
  joinedAt: r.joined_at,
  readSeq: Number(r.read_seq),
  deliveredSeq: Math.max(Number(r.delivered_seq), Number(r.read_seq)),
  notifyLevel: r.notify_level,
  mutedUntil: r.muted_until,
  silencedUntil: r.silenced_until,
  silenceReason: r.silence_reason,
});

/** Unread mentions of $user in the room of `m` (a room_members row): rows above their read marker, theirs or everyone's. */
const MENTION_COUNT = (m: string, user: string) => `(SELECT count(*) FROM message_mentions mm
  WHERE mm.room_id = ${m}.room_id AND mm.seq > ${m}.read_seq AND (mm.user_id = ${user} OR mm.user_id IS NULL))`;

const receiptOf = (userId: string, delivered: string, read: string): ReceiptRecord => ({
  userId,
  deliveredSeq: Math.max(Number(delivered), Number(read)),
  readSeq: Number(read),
});

const ROOM_COLS = `r.id, r.kind, r.name, r.topic, r.created_by, r.created_at, r.direct_key, r.last_seq, r.last_message_at, r.slow_mode_seconds, r.read_only, r.archived_at,
  (SELECT count(*) FROM room_members c WHERE c.room_id = r.id) AS member_count`;

const UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (e: unknown) => (e as { code?: string } | null)?.code === UNIQUE_VIOLATION;
/** The index of migration ChannelNamesUnique: one channel per name, case aside. */
const CHANNEL_NAME_KEY = 'rooms_channel_name_key';
const isChannelNameTaken = (e: unknown) => isUniqueViolation(e) && (e as { constraint?: string }).constraint === CHANNEL_NAME_KEY;

export class PostgresMetadataStore implements MetadataStore {
  constructor(private readonly ds: DataSource) {}

  async createUser(u: { id: string; username: string; displayName: string; passwordHash: string }) {
    const rows = await queryRows<UserRow>(
      this.ds,
      `INSERT INTO users (id, username, display_name, password_hash) VALUES ($1,$2,$3,$4)
       ON CONFLICT (username) DO NOTHING RETURNING *`,
      [u.id, u.username, u.displayName, u.passwordHash],
    );
    if (!rows[0]) throw Object.assign(new Error('username taken'), { code: UNIQUE_VIOLATION });
    return toUser(rows[0]);
  }

  async findUserById(id: string) {
    const rows = await queryRows<UserRow>(this.ds, `SELECT * FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUserByUsername(username: string) {
    const rows = await queryRows<UserRow>(this.ds, `SELECT * FROM users WHERE username = $1`, [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findUsersByIds(ids: string[]) {
    if (ids.length === 0) return [];
    const rows = await queryRows<UserRow>(this.ds, `SELECT * FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return rows.map(toUser);
  }

  async searchUsers(query: string, limit: number) {
    const prefix = query.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const rows = await queryRows<UserRow>(
      this.ds,
      `SELECT * FROM users WHERE (username LIKE $1 OR lower(display_name) LIKE $1) AND deleted_at IS NULL
       ORDER BY username LIMIT $2`,
      [prefix, limit],
    );
    return rows.map(toUser);
  }

  async updateUser(id: string, patch: { displayName?: string; avatarUrl?: string | null; timeZone?: string | null }) {
    const rows = await queryRows<UserRow>(
      this.ds,
      `UPDATE users SET
         display_name = COALESCE($2, display_name),
         avatar_url = CASE WHEN $3::boolean THEN $4 ELSE avatar_url END,
         time_zone = CASE WHEN $5::boolean THEN $6 ELSE time_zone END
       WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
      [
        id,
        patch.displayName ?? null,
        patch.avatarUrl !== undefined,
        patch.avatarUrl ?? null,
        patch.timeZone !== undefined,
        patch.timeZone ?? null,
      ],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async touchLastSeen(id: string, at: Date) {
    await this.ds.query(`UPDATE users SET last_seen_at = $2 WHERE id = $1 AND deleted_at IS NULL`, [id, at]);
  }

  async eraseUser(id: string, at: Date) {
    return this.ds.transaction(async (tx) => {
      // The username becomes one no sign-up can take (":" is outside usernames' alphabet),
      // so the old one is free again: everything refers to people by id, so whoever takes
      // it later inherits none of this account's messages, rooms or mentions.
      const rows = await queryRows<{ id: string }>(
        tx,
        `UPDATE users SET username = 'deleted:' || id::text, display_name = $3, avatar_url = NULL, password_hash = '',
           last_seen_at = NULL, deleted_at = $2
         WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
        [id, at, DELETED_USER_NAME],
      );
      if (rows.length === 0) return false;
      await tx.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [id]);
      // Their devices hear nothing more (push_deliveries rows name no one but by id, and age out in a week).
      await tx.query(`DELETE FROM push_subscriptions WHERE user_id = $1`, [id]);
      return true;
    });
  }

  async listSessions(userId: string): Promise<SessionRecord[]> {
    const rows = await queryRows<{ family_id: string; started_at: Date; last_used_at: Date; expires_at: Date; ended_at: Date | null }>(
      this.ds,
      `SELECT family_id, min(created_at) AS started_at, max(created_at) AS last_used_at, max(expires_at) AS expires_at,
              CASE WHEN bool_and(revoked_at IS NOT NULL) THEN max(revoked_at) END AS ended_at
       FROM refresh_tokens WHERE user_id = $1 GROUP BY family_id ORDER BY started_at, family_id`,
      [userId],
    );
    return rows.map((r) => ({
      id: r.family_id,
      startedAt: r.started_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      endedAt: r.ended_at,
    }));
  }

  async insertRefreshToken(t: Omit<RefreshTokenRecord, 'revokedAt'>) {
    await this.ds.query(`INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES ($1,$2,$3,$4,$5)`, [
      t.id,
      t.userId,
      t.familyId,
      t.tokenHash,
      t.expiresAt,
    ]);
  }

  async findRefreshTokenByHash(hash: string) {
    const rows = await queryRows<{
      id: string;
      user_id: string;
      family_id: string;
      token_hash: string;
      expires_at: Date;
      revoked_at: Date | null;
    }>(this.ds, `SELECT * FROM refresh_tokens WHERE token_hash = $1`, [hash]);
    const r = rows[0];
    return r
      ? { id: r.id, userId: r.user_id, familyId: r.family_id, tokenHash: r.token_hash, expiresAt: r.expires_at, revokedAt: r.revoked_at }
      : null;
  }

  async revokeRefreshToken(id: string, at: Date) {
    // Conditional update: of two concurrent refreshes with one token, exactly one wins.
    const rows = await queryRows<unknown>(
      this.ds,
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id, at],
    );
    return rows.length === 1;
  }

  async revokeRefreshFamily(familyId: string, at: Date) {
    await this.ds.query(`UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`, [familyId, at]);
  }

  async createRoom(r: NewRoom) {
    if (r.directKey) {
      const existing = await this.findRoomByDirectKey(r.directKey);
      if (existing) return { room: existing, created: false };
    }
    const id = uuidv7();
    try {
      await this.ds.transaction(async (m) => {
        await m.query(`INSERT INTO rooms (id, kind, name, topic, direct_key, created_by) VALUES ($1,$2,$3,$4,$5,$6)`, [
          id,
          r.kind,
          r.name,
          r.topic,
          r.directKey,
          r.createdBy,
        ]);
        for (const mem of r.members) {
          await m.query(`INSERT INTO room_members (room_id, user_id, role) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, [
            id,
            mem.userId,
            mem.role,
          ]);
        }
      });
    } catch (e) {
      // Two people opening the same DM at once: the loser gets the winner's room.
      if (r.directKey && isUniqueViolation(e)) {
        const existing = await this.findRoomByDirectKey(r.directKey);
        if (existing) return { room: existing, created: false };
      }
      if (r.name !== null && isChannelNameTaken(e)) throw new ChannelNameTaken(r.name);
      throw e;
    }
    const room = await this.findRoomById(id);
    if (!room) throw new Error('room vanished right after creation');
    return { room, created: true };
  }

  async findRoomById(id: string) {
    const rows = await queryRows<RoomRow>(this.ds, `SELECT ${ROOM_COLS} FROM rooms r WHERE r.id = $1`, [id]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async findRoomByDirectKey(key: string) {
    const rows = await queryRows<RoomRow>(this.ds, `SELECT ${ROOM_COLS} FROM rooms r WHERE r.direct_key = $1`, [key]);
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async updateRoom(id: string, patch: { name?: string; topic?: string | null }) {
    try {
      await this.ds.query(
        `UPDATE rooms SET name = COALESCE($2, name), topic = CASE WHEN $3::boolean THEN $4 ELSE topic END WHERE id = $1`,
        [id, patch.name ?? null, patch.topic !== undefined, patch.topic ?? null],
      );
    } catch (e) {
      if (patch.name !== undefined && isChannelNameTaken(e)) throw new ChannelNameTaken(patch.name);
      throw e;
    }
    return this.findRoomById(id);
  }

  async deleteRoom(id: string) {
    await this.ds.query(`DELETE FROM rooms WHERE id = $1`, [id]);
  }

  async listRoomsOfUser(userId: string) {
    const rows = await queryRows<RoomRow & { m_mentions: string } & { [K in keyof MemberRow as `m_${K}`]: MemberRow[K] }>(
      this.ds,
      `SELECT ${ROOM_COLS}, m.room_id AS m_room_id, m.user_id AS m_user_id, m.role AS m_role, m.joined_at AS m_joined_at,
         m.read_seq AS m_read_seq, m.delivered_seq AS m_delivered_seq, m.notify_level AS m_notify_level, m.muted_until AS m_muted_until,
         m.silenced_until AS m_silenced_until, m.silence_reason AS m_silence_reason,
         ${MENTION_COUNT('m', '$1')} AS m_mentions
       FROM room_members m JOIN rooms r ON r.id = m.room_id
       WHERE m.user_id = $1
       ORDER BY COALESCE(r.last_message_at, r.created_at) DESC`,
      [userId],
    );
    return rows.map((row) => ({
      room: toRoom(row),
      membership: toMember({
        room_id: row.m_room_id,
        user_id: row.m_user_id,
        role: row.m_role,
        joined_at: row.m_joined_at,
        read_seq: row.m_read_seq,
        delivered_seq: row.m_delivered_seq,
        notify_level: row.m_notify_level,
        muted_until: row.m_muted_until,
        silenced_until: row.m_silenced_until,
        silence_reason: row.m_silence_reason,
      }),
      mentionCount: Number(row.m_mentions),
    }));
  }

  async countMentions(roomId: string, userId: string) {
    const rows = await queryRows<{ n: string }>(
      this.ds,
      `SELECT ${MENTION_COUNT('m', '$2')} AS n FROM room_members m WHERE m.room_id = $1 AND m.user_id = $2`,
      [roomId, userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async setNotifications(roomId: string, userId: string, level: NotifyLevel, mutedUntil: Date | null) {
    const rows = await queryRows<MemberRow>(
      this.ds,
      `UPDATE room_members SET notify_level = $3, muted_until = $4 WHERE room_id = $1 AND user_id = $2 RETURNING *`,
      [roomId, userId, level, mutedUntil],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }
  async listRoomIdsOfUser(userId: string) {
    const rows = await queryRows<{ room_id: string }>(this.ds, `SELECT room_id FROM room_members WHERE user_id = $1`, [userId]);
    return rows.map((r) => r.room_id);
  }

  async listChannels(query: string | undefined, limit: number) {
    const params: unknown[] = [limit];
    // An archived channel is kept for its members to read; nobody new finds it.
    let where = `r.kind = 'channel' AND r.archived_at IS NULL`;
    if (query) {
      params.push('%' + query.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%');
      where += ` AND lower(r.name) LIKE $2`;
    }
    const rows = await queryRows<RoomRow>(
      this.ds,
      `SELECT ${ROOM_COLS} FROM rooms r WHERE ${where} ORDER BY lower(r.name) LIMIT $1`,
      params,
    );
    return rows.map(toRoom);
  }

  async getMembership(roomId: string, userId: string) {
    const rows = await queryRows<MemberRow>(this.ds, `SELECT * FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, userId]);
    return rows[0] ? toMember(rows[0]) : null;
  }

  async listMembers(roomId: string) {
    const rows = await queryRows<MemberRow>(this.ds, `SELECT * FROM room_members WHERE room_id = $1 ORDER BY joined_at, user_id`, [roomId]);
    return rows.map(toMember);
  }

  async addMember(roomId: string, userId: string, role: Role) {
    const rows = await queryRows<MemberRow>(
      this.ds,
      `INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING *`,
      [roomId, userId, role],
    );
    return rows[0] ? toMember(rows[0]) : null;
  }

  async removeMember(roomId: string, userId: string) {
    const rows = await queryRows<unknown>(this.ds, `DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 RETURNING user_id`, [
      roomId,
      userId,
    ]);
    return rows.length > 0;
  }

  async removeMemberHandingOver(roomId: string, userId: string, successorId: string) {
    const rows = await queryRows<unknown>(
      this.ds,
      `WITH promoted AS (
         UPDATE room_members SET role = 'owner' WHERE room_id = $1 AND user_id = $3 RETURNING user_id
       )
       DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 AND EXISTS (SELECT 1 FROM promoted) RETURNING user_id`,
      [roomId, userId, successorId],
    );
    return rows.length > 0;
  }

  advanceDeliveredMarker(roomId: string, userId: string, seq: number) {
    return this.advanceReceipt('delivered_seq', roomId, userId, seq);
  }

  advanceReadReceipt(roomId: string, userId: string, seq: number) {
    return this.advanceReceipt('read_seq', roomId, userId, seq);
  }

  /**
   * One statement: lock the member's row, read the pointers before, and write only if the
   * target is ahead. Devices report `room:delivered` for nearly every message they get, so
   * most calls change nothing; skipping the write then spares a dead row version each time.
   * The pointers before and after tell the caller whether there is a receipt to broadcast.
   */
  private async advanceReceipt(
    column: 'delivered_seq' | 'read_seq',
    roomId: string,
    userId: string,
    seq: number,
  ): Promise<ReceiptMove | null> {
    const rows = await queryRows<{ old_delivered: string; old_read: string; new_delivered: string | null; new_read: string | null }>(
      this.ds,
      `WITH old AS (
         SELECT m.delivered_seq, m.read_seq, LEAST($3::bigint, r.last_seq) AS target
         FROM room_members m JOIN rooms r ON r.id = m.room_id
         WHERE m.room_id = $1 AND m.user_id = $2
         FOR UPDATE OF m
       ), moved AS (
         UPDATE room_members m SET ${column} = o.target
         FROM old o
         WHERE m.room_id = $1 AND m.user_id = $2 AND o.target > o.${column}
         RETURNING m.delivered_seq, m.read_seq
       )
       SELECT o.delivered_seq AS old_delivered, o.read_seq AS old_read, n.delivered_seq AS new_delivered, n.read_seq AS new_read
       FROM old o LEFT JOIN moved n ON true`,
      [roomId, userId, seq],
    );
    const row = rows[0];
    if (!row) return null;
    // Read implies delivered: the delivered pointer reported is never behind the read one.
    const before = receiptOf(userId, row.old_delivered, row.old_read);
    const after = row.new_read === null ? before : receiptOf(userId, row.new_delivered ?? row.old_delivered, row.new_read);
    return { ...after, moved: after.deliveredSeq > before.deliveredSeq || after.readSeq > before.readSeq };
  }

  async listReceipts(roomId: string) {
    const rows = await queryRows<{ user_id: string; delivered_seq: string; read_seq: string }>(
      this.ds,
      `SELECT user_id, delivered_seq, read_seq FROM room_members WHERE room_id = $1 ORDER BY joined_at, user_id`,
      [roomId],
    );
    return rows.map((r) => receiptOf(r.user_id, r.delivered_seq, r.read_seq));
  }

  async listPeersOf(userId: string, roomsUnder?: number) {
    // The size test counts the person's few rooms on the (room_id, user_id) key, and keeps
    // a large room's thousands of members out of the join.
    const rows = await queryRows<{ user_id: string }>(
      this.ds,
      `SELECT DISTINCT o.user_id FROM room_members me
       JOIN room_members o ON o.room_id = me.room_id AND o.user_id <> me.user_id
       WHERE me.user_id = $1
         AND ($2::int IS NULL OR (SELECT count(*) FROM room_members c WHERE c.room_id = me.room_id) < $2::int)`,
      [userId, roomsUnder ?? null],
    );
    return rows.map((r) => r.user_id);
  }

  async ping() {
    await this.ds.query('SELECT 1');
  }
}
