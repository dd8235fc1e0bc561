import type { AuditAction, InstanceRole, RoomKind, WordRule } from '@qc/shared';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditFilter, AuditRecord, BanRecord, ModerationStore, NewAuditEntry, SilenceChange } from '../../ports/moderation-store.port';
import { queryRows, type Queryable } from './pg-rows';
import type { RoomRecord } from '../../ports/metadata.port';

export interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  action: AuditAction;
  target_user_id: string | null;
  room_id: string | null;
  message_id: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  case_id: string | null;
}

export const toAudit = (r: AuditRow): AuditRecord => ({
  id: String(r.id),
  at: r.at,
  actorId: r.actor_id,
  action: r.action,
  targetUserId: r.target_user_id,
  roomId: r.room_id,
  messageId: r.message_id,
  reason: r.reason,
  before: r.before,
  after: r.after,
  caseId: r.case_id,
});

interface RuleRow {
  id: string;
  room_id: string | null;
  name: string;
  kind: WordRule['kind'];
  pattern: string;
  action: WordRule['action'];
  created_by: string;
  created_at: Date;
}

const toRule = (r: RuleRow): WordRule => ({
  id: r.id,
  roomId: r.room_id,
  name: r.name,
  kind: r.kind,
  pattern: r.pattern,
  action: r.action,
  createdBy: r.created_by,
  createdAt: r.created_at.toISOString(),
});

const ruleAudit = (r: Pick<WordRule, 'name' | 'kind' | 'pattern' | 'action'>) => ({
  name: r.name,
  kind: r.kind,
  pattern: r.pattern,
  action: r.action,
});

interface BanRow {
  room_id: string;
  user_id: string;
  until: Date | null;
  reason: string;
  banned_by: string;
  created_at: Date;
}

export async function insertAudit(db: Queryable, e: NewAuditEntry): Promise<AuditRecord> {
  const [row] = await queryRows<AuditRow>(
    db,
    `INSERT INTO audit_log (actor_id, action, target_user_id, room_id, message_id, reason, before, after, case_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      e.actorId,
      e.action,
      e.targetUserId ?? null,
      e.roomId ?? null,
      e.messageId ?? null,
      e.reason ?? null,
      e.before ? JSON.stringify(e.before) : null,
      e.after ? JSON.stringify(e.after) : null,
      e.caseId ?? null,
    ],
  );
  return toAudit(row!);
}

/** Sanctions and the append-only audit log in PostgreSQL: each change and its entry in one transaction. */
export class PostgresModerationStore implements ModerationStore {
  constructor(private readonly ds: DataSource) {}

  silence(roomId: string, userId: string, until: Date | null, reason: string | null, audit: NewAuditEntry): Promise<SilenceChange | null> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [was] = await queryRows<{ silenced_until: Date | null; silence_reason: string | null }>(
        tx,
        `SELECT silenced_until, silence_reason FROM room_members WHERE room_id = $1 AND user_id = $2 FOR UPDATE`,
        [roomId, userId],
      );
      if (!was) return null;
      await tx.query(`UPDATE room_members SET silenced_until = $3, silence_reason = $4 WHERE room_id = $1 AND user_id = $2`, [
        roomId,
        userId,
        until,
        reason,
      ]);
      const change: SilenceChange = {
        before: { until: was.silenced_until, reason: was.silence_reason },
        after: { until, reason },
      };
      await insertAudit(tx, { ...audit, before: { mutedUntil: was.silenced_until }, after: { mutedUntil: until } });
      return change;
    });
  }

  kick(roomId: string, userId: string, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const gone = await queryRows<{ role: string }>(tx, `DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 RETURNING role`, [
        roomId,
        userId,
      ]);
      if (gone.length === 0) return false;
      await insertAudit(tx, { ...audit, before: { role: gone[0]!.role }, after: null });
      return true;
    });
  }

  ban(ban: Omit<BanRecord, 'createdAt'>, audit: NewAuditEntry): Promise<{ wasMember: boolean }> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const gone = await queryRows<{ role: string }>(tx, `DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 RETURNING role`, [
        ban.roomId,
        ban.userId,
      ]);
      const [was] = await queryRows<BanRow>(tx, `SELECT * FROM room_bans WHERE room_id = $1 AND user_id = $2`, [ban.roomId, ban.userId]);
      await tx.query(
        `INSERT INTO room_bans (room_id, user_id, until, reason, banned_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (room_id, user_id) DO UPDATE SET until = EXCLUDED.until, reason = EXCLUDED.reason,
           banned_by = EXCLUDED.banned_by, created_at = now()`,
        [ban.roomId, ban.userId, ban.until, ban.reason, ban.bannedBy],
      );
      await insertAudit(tx, {
        ...audit,
        before: {
          member: gone.length > 0,
          ...(gone[0] ? { role: gone[0].role } : {}),
          bannedUntil: was ? (was.until ?? 'until lifted') : null,
        },
        after: { member: false, bannedUntil: ban.until ?? 'until lifted' },
      });
      return { wasMember: gone.length > 0 };
    });
  }

  unban(roomId: string, userId: string, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const gone = await queryRows<BanRow>(tx, `DELETE FROM room_bans WHERE room_id = $1 AND user_id = $2 RETURNING *`, [roomId, userId]);
      if (gone.length === 0) return false;
      await insertAudit(tx, { ...audit, before: { bannedUntil: gone[0]!.until ?? 'until lifted' }, after: { bannedUntil: null } });
      return true;
    });
  }

  async activeBan(roomId: string, userId: string, now: Date): Promise<BanRecord | null> {
    const [row] = await queryRows<BanRow>(
      this.ds,
      `SELECT * FROM room_bans WHERE room_id = $1 AND user_id = $2 AND (until IS NULL OR until > $3)`,
      [roomId, userId, now],
    );
    return row
      ? {
          roomId: row.room_id,
          userId: row.user_id,
          until: row.until,
          reason: row.reason,
          bannedBy: row.banned_by,
          createdAt: row.created_at,
        }
      : null;
  }

  setInstanceRole(userId: string, role: InstanceRole | null, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [was] = await queryRows<{ instance_role: InstanceRole | null }>(
        tx,
        `SELECT instance_role FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [userId],
      );
      if (!was) return false;
      if (was.instance_role === role) return true;
      await tx.query(`UPDATE users SET instance_role = $2 WHERE id = $1`, [userId, role]);
      await insertAudit(tx, { ...audit, before: { instanceRole: was.instance_role }, after: { instanceRole: role } });
      return true;
    });
  }

  async listRules(): Promise<WordRule[]> {
    return (await queryRows<RuleRow>(this.ds, `SELECT * FROM word_rules ORDER BY created_at, id`)).map(toRule);
  }

  createRule(rule: Omit<WordRule, 'createdAt'>, audit: NewAuditEntry): Promise<WordRule> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [row] = await queryRows<RuleRow>(
        tx,
        `INSERT INTO word_rules (id, room_id, name, kind, pattern, action, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [rule.id, rule.roomId, rule.name, rule.kind, rule.pattern, rule.action, rule.createdBy],
      );
      await insertAudit(tx, { ...audit, before: null, after: { ruleId: rule.id, ...ruleAudit(rule) } });
      return toRule(row!);
    });
  }

  deleteRule(id: string, roomId: string | null, audit: NewAuditEntry): Promise<WordRule | null> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [row] = await queryRows<RuleRow>(tx, `DELETE FROM word_rules WHERE id = $1 AND room_id IS NOT DISTINCT FROM $2 RETURNING *`, [
        id,
        roomId,
      ]);
      if (!row) return null;
      const rule = toRule(row);
      await insertAudit(tx, { ...audit, before: { ruleId: id, ...ruleAudit(rule) }, after: null });
      return rule;
    });
  }

  setDisabled(userId: string, disabled: { at: Date; reason: string } | null, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const changed = await queryRows<{ id: string }>(
        tx,
        `UPDATE users SET disabled_at = $2, disabled_reason = $3, sessions_ended_at = coalesce($2, sessions_ended_at)
          WHERE id = $1 AND deleted_at IS NULL AND (disabled_at IS NULL) = ($2::timestamptz IS NOT NULL) RETURNING id`,
        [userId, disabled?.at ?? null, disabled?.reason ?? null],
      );
      if (changed.length === 0) return false;
      // Deleted, not revoked: a revoked token shown again reads as a stolen copy; an unknown one just asks to sign in.
      if (disabled) await tx.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [userId]);
      await insertAudit(tx, { ...audit, before: { disabled: !disabled }, after: { disabled: !!disabled } });
      return true;
    });
  }

  setRoomPace(
    roomId: string,
    pace: { slowModeSeconds?: number; readOnly?: boolean },
    audit: NewAuditEntry,
  ): Promise<{ slowModeSeconds: number; readOnly: boolean } | null> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [was] = await queryRows<{ slow_mode_seconds: number; read_only: boolean }>(
        tx,
        `SELECT slow_mode_seconds, read_only FROM rooms WHERE id = $1 FOR UPDATE`,
        [roomId],
      );
      if (!was) return null;
      const now = { slowModeSeconds: pace.slowModeSeconds ?? was.slow_mode_seconds, readOnly: pace.readOnly ?? was.read_only };
      await tx.query(`UPDATE rooms SET slow_mode_seconds = $2, read_only = $3 WHERE id = $1`, [roomId, now.slowModeSeconds, now.readOnly]);
      await insertAudit(tx, { ...audit, before: { slowModeSeconds: was.slow_mode_seconds, readOnly: was.read_only }, after: now });
      return now;
    });
  }

  setArchived(roomId: string, at: Date | null, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const changed = await queryRows<{ id: string }>(
        tx,
        `UPDATE rooms SET archived_at = $2 WHERE id = $1 AND kind <> 'direct' AND (archived_at IS NULL) = ($2::timestamptz IS NOT NULL) RETURNING id`,
        [roomId, at],
      );
      if (changed.length === 0) return false;
      await insertAudit(tx, { ...audit, before: { archived: at === null }, after: { archived: at !== null } });
      return true;
    });
  }

  async listRooms(filter: { q: string; kind?: 'group' | 'channel'; limit: number }): Promise<RoomRecord[]> {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    const rows = await queryRows<{
      id: string;
      kind: RoomKind;
      name: string | null;
      topic: string | null;
      created_by: string;
      created_at: Date;
      last_seq: string;
      last_message_at: Date | null;
      slow_mode_seconds: number;
      read_only: boolean;
      archived_at: Date | null;
      member_count: string;
    }>(
      this.ds,
      `SELECT r.id, r.kind, r.name, r.topic, r.created_by, r.created_at, r.last_seq, r.last_message_at, r.slow_mode_seconds,
              r.read_only, r.archived_at, (SELECT count(*) FROM room_members m WHERE m.room_id = r.id) AS member_count
         FROM rooms r
        WHERE r.kind <> 'direct' AND ($2::text IS NULL OR r.kind = $2) AND lower(coalesce(r.name, '')) LIKE $1
        ORDER BY r.last_message_at DESC NULLS LAST, r.created_at DESC
        LIMIT $3`,
      [like, filter.kind ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      name: r.name,
      topic: r.topic,
      createdBy: r.created_by,
      createdAt: r.created_at,
      directKey: null,
      lastSeq: Number(r.last_seq),
      lastMessageAt: r.last_message_at,
      memberCount: Number(r.member_count),
      slowModeSeconds: r.slow_mode_seconds,
      readOnly: r.read_only,
      archivedAt: r.archived_at,
    }));
  }

  endSessions(userId: string, at: Date, audit: NewAuditEntry): Promise<boolean> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const found = await queryRows<{ id: string }>(
        tx,
        `UPDATE users SET sessions_ended_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
        [userId, at],
      );
      if (found.length === 0) return false;
      const ended = await queryRows<{ id: string }>(
        tx,
        `DELETE FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id`,
        [userId, at],
      );
      await tx.query(`DELETE FROM refresh_tokens WHERE user_id = $1`, [userId]);
      await insertAudit(tx, { ...audit, after: { sessionsEnded: ended.length } });
      return true;
    });
  }

  async getSetting<T>(key: string): Promise<{ value: T; updatedAt: Date; updatedBy: string | null } | null> {
    const [row] = await queryRows<{ value: T; updated_at: Date; updated_by: string | null }>(
      this.ds,
      `SELECT value, updated_at, updated_by FROM instance_settings WHERE key = $1`,
      [key],
    );
    return row ? { value: row.value, updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
  }

  setSetting<T extends object>(key: string, value: T, audit: NewAuditEntry): Promise<{ value: T; updatedAt: Date }> {
    return this.ds.transaction(async (tx: EntityManager) => {
      const [was] = await queryRows<{ value: Record<string, unknown> }>(
        tx,
        `SELECT value FROM instance_settings WHERE key = $1 FOR UPDATE`,
        [key],
      );
      const [row] = await queryRows<{ updated_at: Date }>(
        tx,
        `INSERT INTO instance_settings (key, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
         RETURNING updated_at`,
        [key, JSON.stringify(value), audit.actorId],
      );
      await insertAudit(tx, { ...audit, before: audit.before ?? was?.value ?? null, after: value as Record<string, unknown> });
      return { value, updatedAt: row!.updated_at };
    });
  }

  appendAudit(entry: NewAuditEntry): Promise<AuditRecord> {
    return insertAudit(this.ds, entry);
  }

  async listAudit(f: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.actorId) add('actor_id = ?', f.actorId);
    if (f.targetUserId) add('target_user_id = ?', f.targetUserId);
    if (f.action) add('action = ?', f.action);
    if (f.roomId) add('room_id = ?', f.roomId);
    if (f.after) add('at >= ?', f.after);
    if (f.before) add('at < ?', f.before);
    if (f.beforeId) add('id < ?', f.beforeId);
    params.push(f.limit);
    const rows = await queryRows<AuditRow>(
      this.ds,
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toAudit);
  }
}
