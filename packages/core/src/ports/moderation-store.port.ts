import type { AuditAction, InstanceRole, WordRule } from '@qc/shared';
import type { RoomRecord } from './metadata.port';

/** Someone kept out of a room until a time (null: until lifted). */
export interface BanRecord {
  roomId: string;
  userId: string;
  until: Date | null;
  reason: string;
  bannedBy: string;
  createdAt: Date;
}

/** One audit log line to write: what a moderator or admin did. */
export interface NewAuditEntry {
  /** Null for the server itself (a setting, the CLI). */
  actorId: string | null;
  action: AuditAction;
  targetUserId?: string | null;
  roomId?: string | null;
  messageId?: string | null;
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** The case the action was taken from. */
  caseId?: string | null;
}

export interface AuditRecord extends Required<NewAuditEntry> {
  id: string;
  at: Date;
}

export interface AuditFilter {
  actorId?: string;
  targetUserId?: string;
  action?: AuditAction;
  roomId?: string;
  after?: Date;
  before?: Date;
  /** Entries older than this id (the previous page's last). */
  beforeId?: string;
  limit: number;
}

/** A member's timed mute as it was and as it is. */
export interface SilenceChange {
  before: { until: Date | null; reason: string | null };
  after: { until: Date | null; reason: string | null };
}

/**
 * Sanctions (mutes, kicks, bans, instance roles) and the audit log, in PostgreSQL in both
 * profiles. Each change is written with its audit entry in one transaction: no sanction
 * without its line in the log, and no line for a change that did not happen.
 */
export interface ModerationStore {
  /** Sets (or, with until null, lifts) a member's mute; null when they are not a member. */
  silence(roomId: string, userId: string, until: Date | null, reason: string | null, audit: NewAuditEntry): Promise<SilenceChange | null>;
  /** Removes a member; false when they were not one (nothing written). */
  kick(roomId: string, userId: string, audit: NewAuditEntry): Promise<boolean>;
  /** Keeps someone out (removing their membership, if any); answers whether they were a member. */
  ban(ban: Omit<BanRecord, 'createdAt'>, audit: NewAuditEntry): Promise<{ wasMember: boolean }>;
  /** Lifts a ban; false when there was none (nothing written). */
  unban(roomId: string, userId: string, audit: NewAuditEntry): Promise<boolean>;
  /** The ban keeping someone out of a room now, if any (one that ended is none). */
  activeBan(roomId: string, userId: string, now: Date): Promise<BanRecord | null>;
  /** Makes someone instance staff, or not (null); false when there is no such living account. */
  setInstanceRole(userId: string, role: InstanceRole | null, audit: NewAuditEntry): Promise<boolean>;
  appendAudit(entry: NewAuditEntry): Promise<AuditRecord>;
  /**
   * Disables an account (every refresh token of it deleted in the same transaction) or, with
   * null, enables it; false when there is no such living account or it is already so.
   */
  setDisabled(userId: string, disabled: { at: Date; reason: string } | null, audit: NewAuditEntry): Promise<boolean>;
  /** Sets a room's slow mode and/or read-only lock; null when there is no such room. */
  setRoomPace(
    roomId: string,
    pace: { slowModeSeconds?: number; readOnly?: boolean },
    audit: NewAuditEntry,
  ): Promise<{ slowModeSeconds: number; readOnly: boolean } | null>;
  /** Archives a group or channel (at), or brings it back (null); false when there is no such room or it is already so. */
  setArchived(roomId: string, at: Date | null, audit: NewAuditEntry): Promise<boolean>;
  /** Groups and channels (never direct messages) whose name holds `q`, most recently active first. */
  listRooms(filter: { q: string; kind?: 'group' | 'channel'; limit: number }): Promise<RoomRecord[]>;
  /** Ends every session (deletes every refresh token) of an account; false when there is no such account. */
  endSessions(userId: string, at: Date, audit: NewAuditEntry): Promise<boolean>;
  /** Every word rule, the instance's and every room's (they are all held in memory). */
  listRules(): Promise<WordRule[]>;
  createRule(rule: Omit<WordRule, 'createdAt'>, audit: NewAuditEntry): Promise<WordRule>;
  /** Removes a rule of this scope (roomId null: the instance's); null when there is none. */
  deleteRule(id: string, roomId: string | null, audit: NewAuditEntry): Promise<WordRule | null>;
  /** An instance setting as staff last saved it (null: never saved, the default applies). */
  getSetting<T>(key: string): Promise<{ value: T; updatedAt: Date; updatedBy: string | null } | null>;
  /** Saves an instance setting with its audit entry (before: what it was, or null) in one transaction. */
  setSetting<T extends object>(key: string, value: T, audit: NewAuditEntry): Promise<{ value: T; updatedAt: Date }>;
  /** Newest first. */
  listAudit(filter: AuditFilter): Promise<AuditRecord[]>;
}
