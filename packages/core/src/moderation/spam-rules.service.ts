import { DEFAULT_SPAM_SETTINGS, type SpamSettings, type SpamSettingsUpdate, type SpamSettingsView } from '@qc/shared';
import { AppError } from '../errors';
import type { MetadataStore } from '../ports/metadata.port';
import type { ModerationStore } from '../ports/moderation-store.port';
import type { RepeatCounter } from '../ports/repeat-counter.port';
import type { RoomEventBus } from '../ports/room-events.port';
import type { ModerationService } from './moderation.service';
import { hasLink, repeatFingerprint } from './spam-rules';

/** The instance setting the spam rules are kept under. */
export const SPAM_SETTINGS_KEY = 'spam';
/** What the room event bus carries to say "the spam rules changed" (not a uuid: no room drops anything). */
export const SPAM_RULES_CHANGED = 'spam-rules';

/** What the send and edit paths ask of the spam rules. */
export interface SpamGuard {
  /**
   * Refused BLOCKED, naming the rule, when the text may not go. An edit is held to the link
   * rule only: it cannot carry a text into another room.
   */
  check(senderId: string, roomId: string, text: string, kind: 'send' | 'edit'): Promise<void>;
}

const ACCOUNTS_REMEMBERED = 50_000;

/**
 * The instance's spam rules beside the word rules: the same text in several rooms within a
 * window, and links from accounts younger than a setting. The settings are held in memory
 * (reloaded on every node through the room event bus when staff change them); the repeat
 * count is one count across nodes (RepeatCounter: Redis in the distributed profile); an
 * account's age is read once and remembered. The instance's staff are never held back (an
 * admin's announcement goes to every channel). Each refusal burst is written in the audit log
 * once, so moderators see who was stopped without a line per attempt.
 */
export class SpamRulesService implements SpamGuard {
  private current: SpamSettingsView = { ...DEFAULT_SPAM_SETTINGS, updatedAt: null, updatedBy: null };
  /** userId → account created (ms); insertion order is the eviction order. */
  private readonly createdAt = new Map<string, number>();
  /** Accounts whose link refusal is in the audit log already (one line per account while young). */
  private readonly linkRefusalWritten = new Set<string>();

  constructor(
    private readonly store: Pick<ModerationStore, 'getSetting' | 'setSetting' | 'appendAudit'>,
    private readonly users: Pick<MetadataStore, 'findUserById'>,
    private readonly counter: RepeatCounter,
    private readonly moderation: Pick<ModerationService, 'requireAllowed'>,
    private readonly events: Pick<RoomEventBus, 'announceChanged' | 'onChanged'>,
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    events.onChanged((id) => {
      if (id === SPAM_RULES_CHANGED) void this.load().catch(onError);
    });
  }

  /** Reads the settings (at start, and on each change anywhere). */
  async load(): Promise<void> {
    const saved = await this.store.getSetting<SpamSettings>(SPAM_SETTINGS_KEY);
    this.current = saved
      ? { ...DEFAULT_SPAM_SETTINGS, ...saved.value, updatedAt: saved.updatedAt.toISOString(), updatedBy: saved.updatedBy }
      : { ...DEFAULT_SPAM_SETTINGS, updatedAt: null, updatedBy: null };
  }

  async get(actorId: string): Promise<SpamSettingsView> {
    await this.moderation.requireAllowed('rules.edit', actorId, null);
    return this.current;
  }

  async update(actorId: string, body: SpamSettingsUpdate): Promise<SpamSettingsView> {
    await this.moderation.requireAllowed('rules.edit', actorId, null);
    const { reason, ...value } = body;
    const before: SpamSettings = {
      repeatRooms: this.current.repeatRooms,
      repeatWindowSeconds: this.current.repeatWindowSeconds,
      newAccountLinkMinutes: this.current.newAccountLinkMinutes,
    };
    await this.store.setSetting(SPAM_SETTINGS_KEY, value, { actorId, action: 'spam.settings', reason, before: { ...before } });
    await this.load();
    this.events.announceChanged(SPAM_RULES_CHANGED);
    return this.current;
  }

  async check(senderId: string, roomId: string, text: string, kind: 'send' | 'edit'): Promise<void> {
    const s = this.current;
    if (s.newAccountLinkMinutes > 0 && hasLink(text)) {
      const waitMs = s.newAccountLinkMinutes * 60_000 - (this.now() - (await this.accountCreated(senderId)));
      if (waitMs > 0 && !(await this.isStaff(senderId))) {
        if (!this.linkRefusalWritten.has(senderId)) {
          this.remember(this.linkRefusalWritten, senderId);
          this.written(senderId, roomId, `a link from an account younger than ${s.newAccountLinkMinutes} min`, text);
        }
        throw new AppError(
          'BLOCKED',
          `your message was blocked by the spam rule "links from new accounts": accounts can post links ` +
            `${s.newAccountLinkMinutes} min after signing up; yours can in ${Math.ceil(waitMs / 60_000)} min. Nothing was sent`,
        );
      }
    }
    if (kind !== 'send' || s.repeatRooms === 0) return;
    const fingerprint = repeatFingerprint(text);
    if (!fingerprint) return;
    const rooms = await this.counter.note(`${senderId}:${fingerprint}`, roomId, s.repeatWindowSeconds * 1000);
    if (rooms < s.repeatRooms || (await this.isStaff(senderId))) return;
    // The send that reaches the limit is the one written down; later copies of the burst are not.
    if (rooms === s.repeatRooms) this.written(senderId, roomId, `the same text in ${rooms} rooms within ${s.repeatWindowSeconds} s`, text);
    throw new AppError(
      'BLOCKED',
      `your message was blocked by the spam rule "same text in many rooms": you sent it to ${rooms - 1} other ` +
        `rooms in the last ${Math.round(s.repeatWindowSeconds / 60) || 1} min. Nothing was sent`,
    );
  }

  /** Read once per account (it never changes) and remembered, up to a bound. */
  private async accountCreated(userId: string): Promise<number> {
    const known = this.createdAt.get(userId);
    if (known !== undefined) return known;
    const user = await this.users.findUserById(userId);
    const at = user ? user.createdAt.getTime() : this.now();
    this.remember(this.createdAt, userId, at);
    return at;
  }

  /** Only on the way to a refusal (rare), so read fresh: a role just granted counts. */
  private async isStaff(userId: string): Promise<boolean> {
    return (await this.users.findUserById(userId))?.instanceRole != null;
  }

  private remember<K, V>(into: Map<K, V> | Set<K>, key: K, value?: V): void {
    if (into instanceof Map) into.set(key, value as V);
    else into.add(key);
    if (into.size > ACCOUNTS_REMEMBERED) into.delete(into.keys().next().value as K);
  }

  private written(userId: string, roomId: string, reason: string, text: string): void {
    this.store
      .appendAudit({
        actorId: null,
        action: 'spam.refused',
        targetUserId: userId,
        roomId,
        reason,
        after: { content: text.slice(0, 1000) },
      })
      .catch(this.onError);
  }
}
