import { z } from 'zod';
import { userText, uuid } from './text';
import type { Message, Role } from './schemas';
import type { CasePeople } from './cases';

/*
 * Moderation: instance roles (admin, moderator) beside the room roles, timed mutes and bans
 * over REST, and the append-only audit log every moderation and admin action is written to.
 */

/** The instance's staff: an admin runs the place (grants roles, every action); a moderator keeps rooms healthy. */
export const INSTANCE_ROLES = ['admin', 'moderator'] as const;
export type InstanceRole = (typeof INSTANCE_ROLES)[number];

/** Why a moderator acted: shown to the person acted on and kept in the audit log. */
export const moderationReason = userText({ min: 1, max: 500, multiline: true });

/** A year at most: longer is a ban. */
export const MUTE_MINUTES_MAX = 366 * 24 * 60;

/** `POST /rooms/:roomId/members/:userId/mute`: their sends are refused MUTED until it lifts. */
export const muteBody = z.object({ minutes: z.number().int().min(1).max(MUTE_MINUTES_MAX), reason: moderationReason }).strict();
export type MuteBody = z.infer<typeof muteBody>;

/** `POST /rooms/:roomId/members/:userId/ban`: removed, and kept out (no rejoin, no invite) until lifted, or for `minutes`. */
export const banBody = z.object({ reason: moderationReason, minutes: z.number().int().min(1).max(MUTE_MINUTES_MAX).optional() }).strict();
export type BanBody = z.infer<typeof banBody>;

/** Six hours at most between one member's messages. */
export const SLOW_MODE_SECONDS_MAX = 6 * 60 * 60;

/** `PUT /rooms/:roomId/slow-mode`: 0 turns it off. */
export const slowModeBody = z.object({ seconds: z.number().int().min(0).max(SLOW_MODE_SECONDS_MAX), reason: moderationReason }).strict();
export type SlowModeBody = z.infer<typeof slowModeBody>;

/** `PUT /rooms/:roomId/read-only`: lock (only moderators and up may post) or unlock. */
export const readOnlyBody = z.object({ readOnly: z.boolean(), reason: moderationReason }).strict();
export type ReadOnlyBody = z.infer<typeof readOnlyBody>;

/** `DELETE …/mute`, `DELETE …/ban`, and a kick (`POST …/kick`): why. */
export const liftBody = z.object({ reason: moderationReason }).strict();
export type LiftBody = z.infer<typeof liftBody>;

/** A person as the dashboard's People page lists them (`GET /admin/users?q=`). */
export interface AdminUser {
  id: string;
  username: string;
  displayName: string;
  instanceRole: InstanceRole | null;
  createdAt: string;
  lastSeenAt: string | null;
  /** When the staff disabled the account (null: it is active), and why. */
  disabledAt: string | null;
  disabledReason: string | null;
}

/** `GET /admin/users`: by username or display name (empty: the newest accounts). */
export const adminUserQuery = z.object({ q: z.string().trim().max(64).default('') }).strict();

/** What happened to a person in a room, as the moderation answers and the room shows it. */
export interface MemberSanction {
  roomId: string;
  userId: string;
  /** ISO time the mute or ban ends; null: until lifted (bans only). */
  until: string | null;
  reason: string;
}

export const AUDIT_ACTIONS = [
  'member.mute',
  'member.unmute',
  'member.kick',
  'member.ban',
  'member.unban',
  'message.delete',
  'message.flag',
  'user.grant-role',
  'rule.create',
  'rule.delete',
  'room.slow-mode',
  'room.lock',
  'room.archive',
  'room.delete',
  'spam.settings',
  'spam.refused',
  'user.disable',
  'user.enable',
  'user.end-sessions',
  'case.assign',
  'case.note',
  'case.dismiss',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit log: who did what to whom, where, why, and what it changed. */
export interface AuditEntry {
  id: string;
  at: string;
  /** Null for the server itself (a setting, the CLI). */
  actorId: string | null;
  action: AuditAction;
  targetUserId: string | null;
  roomId: string | null;
  messageId: string | null;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** The case this action was taken from, if any. */
  caseId: string | null;
}

/** `GET /admin/audit`: filters (all optional), newest first, a page at a time; `format=csv|json` downloads it whole. */
export const auditQuery = z
  .object({
    actor: uuid.optional(),
    target: uuid.optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    roomId: uuid.optional(),
    after: z.string().datetime({ offset: true }).optional(),
    before: z.string().datetime({ offset: true }).optional(),
    /** The id of the last entry of the previous page. */
    cursor: z
      .string()
      .regex(/^[1-9][0-9]{0,17}$/, 'cursor is an entry id')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    format: z.enum(['csv', 'json']).optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof auditQuery>;

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
  /** The names of the people and rooms the entries name (ids of ones since deleted are missing). */
  names: CasePeople;
}

/*
 * Word rules: per instance or per room, a list of words or a pattern that blocks a message
 * (refused BLOCKED, naming the rule) or flags it (delivered, and written down for the
 * moderators). Checked on every send and edit from memory.
 */
export const WORD_RULE_KINDS = ['words', 'pattern'] as const;
export type WordRuleKind = (typeof WORD_RULE_KINDS)[number];
export const WORD_RULE_ACTIONS = ['block', 'flag'] as const;
export type WordRuleAction = (typeof WORD_RULE_ACTIONS)[number];

/** `POST /admin/rules` (the instance's) or `POST /rooms/:roomId/rules` (one room's). */
export const wordRuleBody = z
  .object({
    /** Shown to whoever it blocks ("blocked by the rule …") and in the audit log. */
    name: userText({ min: 1, max: 80, name: true }),
    kind: z.enum(WORD_RULE_KINDS),
    /** words: separated by commas or new lines, each matched as a whole word, any case; pattern: a regular expression. */
    pattern: z.string().min(1).max(2000),
    action: z.enum(WORD_RULE_ACTIONS),
  })
  .strict();
export type WordRuleBody = z.infer<typeof wordRuleBody>;

export interface WordRule extends WordRuleBody {
  id: string;
  /** Null for the instance's rules. */
  roomId: string | null;
  createdBy: string;
  createdAt: string;
}

/** `POST /admin/rules/test`: which rules a text would meet (in a room, with its rules too). */
export const ruleTestBody = z.object({ text: z.string().max(10_000), roomId: uuid.optional() }).strict();
export type RuleTestBody = z.infer<typeof ruleTestBody>;

export interface RuleTestResult {
  /** The rules it meets, blocking ones first; empty when it passes. */
  matches: { ruleId: string; name: string; action: WordRuleAction; matched: string }[];
}

/*
 * Spam rules: the instance's two simple checks beside the word rules, kept by its staff at
 * /admin. The same text sent into several rooms within a window is refused from the room
 * that reaches the limit on (a raid's copy-paste); a link from an account younger than a
 * setting is refused (the new account that arrives only to post one). 0 turns either off.
 */
export const SPAM_REPEAT_ROOMS_MAX = 50;
export const SPAM_WINDOW_SECONDS_MAX = 24 * 60 * 60;
export const SPAM_LINK_AGE_MINUTES_MAX = 30 * 24 * 60;
/** Texts shorter than this (after trimming) are not compared: "ok", "thanks!" are said everywhere. */
export const SPAM_REPEAT_MIN_LENGTH = 12;

export const spamSettingsBody = z
  .object({
    /** The same text in this many rooms within the window: refused from that room on (0: off; 2 or more). */
    repeatRooms: z
      .number()
      .int()
      .min(0)
      .max(SPAM_REPEAT_ROOMS_MAX)
      .refine((n) => n !== 1, 'repeatRooms is 0 (off) or at least 2: one room is not a repeat'),
    repeatWindowSeconds: z.number().int().min(10).max(SPAM_WINDOW_SECONDS_MAX),
    /** Accounts younger than this many minutes cannot post links (0: off). */
    newAccountLinkMinutes: z.number().int().min(0).max(SPAM_LINK_AGE_MINUTES_MAX),
  })
  .strict();
export type SpamSettings = z.infer<typeof spamSettingsBody>;

/** `PUT /admin/spam-rules`: the settings and why they changed (audited with before and after). */
export const spamSettingsUpdateBody = spamSettingsBody.extend({ reason: moderationReason }).strict();
export type SpamSettingsUpdate = z.infer<typeof spamSettingsUpdateBody>;

/** Until staff change them: a copy-paste into a third room within five minutes is refused; links are not held back. */
export const DEFAULT_SPAM_SETTINGS: SpamSettings = { repeatRooms: 3, repeatWindowSeconds: 300, newAccountLinkMinutes: 0 };

export interface SpamSettingsView extends SpamSettings {
  /** When staff last changed them (null: the defaults). */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** `GET /admin/overview`: the dashboard's first page (engine health and consumer lag come from `GET /health`). */
export interface AdminOverview {
  at: string;
  /** People with at least one live connection (online or away), on every node. */
  online: number;
  /** The case queue: waiting for someone, and being worked. */
  cases: { open: number; assigned: number };
  /**
   * Messages sent per minute over the last hour, oldest first: `counts[i]` is the minute
   * starting i minutes after `since`; the last is the minute under way.
   */
  messagesPerMinute: { since: string; counts: number[] };
}

/** `GET /admin/rooms`: groups and channels (never direct messages) by name, newest activity first. */
export const adminRoomQuery = z
  .object({
    q: z.string().trim().max(80).default(''),
    kind: z.enum(['group', 'channel']).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type AdminRoomQuery = z.infer<typeof adminRoomQuery>;

/** A group or channel as the dashboard lists it. */
export interface AdminRoom {
  id: string;
  kind: 'group' | 'channel';
  name: string;
  topic: string | null;
  createdAt: string;
  createdBy: string;
  memberCount: number;
  lastMessageAt: string | null;
  slowModeSeconds: number;
  readOnly: boolean;
  archived: boolean;
}

/** `GET /admin/rooms/:roomId`: the room, its people with their roles, and its creator's name. */
export interface AdminRoomDetail {
  room: AdminRoom;
  members: { userId: string; username: string; displayName: string; role: Role; joinedAt: string; mutedUntil: string | null }[];
}

/** `PUT /admin/rooms/:roomId/archived`: archive a group or channel (nobody posts, history kept), or bring it back. */
export const archiveBody = z.object({ archived: z.boolean(), reason: moderationReason }).strict();
export type ArchiveBody = z.infer<typeof archiveBody>;

/** A group or channel someone is in, as their page on the dashboard lists it. */
export interface AdminPersonRoom {
  id: string;
  kind: 'group' | 'channel';
  name: string;
  role: Role;
  /** A moderator's mute of them there, running until then; null when none. */
  mutedUntil: string | null;
}

/**
 * `GET /admin/users/:userId`: someone's profile for the instance's staff, the groups and
 * channels they are in, how many direct conversations they have (never their contents),
 * and their latest messages in those groups and channels as they are now.
 */
export interface AdminPersonDetail {
  user: AdminUser;
  rooms: AdminPersonRoom[];
  directRooms: number;
  recentMessages: (Message & { roomName: string })[];
}
