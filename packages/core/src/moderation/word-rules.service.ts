import { AppError } from '../errors';
import { uuidv7 } from '../lib/uuidv7';
import type { Message, RuleTestBody, RuleTestResult, WordRule, WordRuleBody } from '@qc/shared';
import type { ModerationStore } from '../ports/moderation-store.port';
import type { RoomEventBus } from '../ports/room-events.port';
import type { ModerationService } from './moderation.service';
import { compileRule, matchRules, ruleProblem, type CompiledRule, type RuleMatch } from './word-rules';

/**
 * What the membership-change bus carries to say "the word rules changed": not a room id (ids
 * are uuids), so the rooms' listeners drop nothing that exists, and every node reloads its rules.
 */
export const WORD_RULES_CHANGED = 'word-rules';

/** What the send and edit paths ask of the rules. */
export interface MessageRules {
  /** Refused BLOCKED by the first blocking rule the text meets; else the flagging rules it meets (none: []). */
  enforce(roomId: string, text: string): RuleMatch[];
  /** A message went out that flagging rules met: written down for the moderators. */
  flagged(message: Message, matches: RuleMatch[]): void;
}

/**
 * Word rules held in memory, compiled (the send path reads them without a database round
 * trip), reloaded on every node when one changes (RoomEventBus: Redis across nodes). Editing
 * them is for the instance's staff (its rules) and each room's admins (the room's), by the
 * moderation policy; each edit is in the audit log.
 */
export class WordRulesService implements MessageRules {
  private instanceRules: CompiledRule[] = [];
  private roomRules = new Map<string, CompiledRule[]>();
  private loading: Promise<void> | null = null;

  constructor(
    private readonly store: ModerationStore,
    private readonly moderation: Pick<ModerationService, 'requireAllowed'>,
    private readonly events: Pick<RoomEventBus, 'announceChanged' | 'onChanged'>,
    private readonly onFlagError: (err: unknown) => void = () => undefined,
    /** A flagged message opens a case for the moderators (CasesService.flagged). */
    private readonly openCase: (message: Message, rules: { name: string; matched: string }[]) => Promise<void> = async () => undefined,
  ) {
    events.onChanged((id) => {
      if (id === WORD_RULES_CHANGED) void this.load().catch(onFlagError);
    });
  }

  /** Reads every rule and compiles it (at start, and on each change anywhere). */
  load(): Promise<void> {
    const run = (async () => {
      const rules = await this.store.listRules();
      const compiled = rules.map(compileRule);
      this.instanceRules = compiled.filter((r) => r.roomId === null);
      const byRoom = new Map<string, CompiledRule[]>();
      for (const r of compiled) if (r.roomId) byRoom.set(r.roomId, [...(byRoom.get(r.roomId) ?? []), r]);
      this.roomRules = byRoom;
    })();
    this.loading = run;
    return run;
  }

  enforce(roomId: string, text: string): RuleMatch[] {
    const matches = matchRules(this.rulesFor(roomId), text);
    const block = matches.find((m) => m.rule.action === 'block');
    if (block) throw new AppError('BLOCKED', `your message was blocked by the rule "${block.rule.name}": nothing was sent`);
    return matches;
  }

  flagged(message: Message, matches: RuleMatch[]): void {
    if (matches.length === 0) return;
    this.store
      .appendAudit({
        actorId: null,
        action: 'message.flag',
        targetUserId: message.senderId,
        roomId: message.roomId,
        messageId: message.id,
        reason: `met ${matches.map((m) => `"${m.rule.name}"`).join(', ')}`,
        before: null,
        after: { rules: matches.map((m) => ({ ruleId: m.rule.id, name: m.rule.name, matched: m.matched })), content: message.content },
      })
      .catch(this.onFlagError);
    this.openCase(
      message,
      matches.map((m) => ({ name: m.rule.name, matched: m.matched })),
    ).catch(this.onFlagError);
  }

  async list(actorId: string, roomId: string | null): Promise<WordRule[]> {
    await this.allow(actorId, roomId);
    return (await this.store.listRules()).filter((r) => r.roomId === roomId);
  }

  async create(actorId: string, roomId: string | null, body: WordRuleBody): Promise<WordRule> {
    await this.allow(actorId, roomId);
    const problem = ruleProblem(body.kind, body.pattern);
    if (problem) throw AppError.validation(`pattern: ${problem}`);
    const rule = await this.store.createRule(
      { id: uuidv7(), roomId, createdBy: actorId, ...body },
      { actorId, action: 'rule.create', roomId, reason: body.name },
    );
    await this.changed();
    return rule;
  }

  async remove(actorId: string, roomId: string | null, ruleId: string): Promise<void> {
    await this.allow(actorId, roomId);
    const gone = await this.store.deleteRule(ruleId, roomId, { actorId, action: 'rule.delete', roomId });
    if (!gone) throw AppError.notFound('rule');
    await this.changed();
  }

  /** Which rules a text would meet, without sending it (the dashboard's "test this text"). */
  async test(actorId: string, body: RuleTestBody): Promise<RuleTestResult> {
    await this.allow(actorId, null);
    await this.loading;
    const matches = matchRules(body.roomId ? this.rulesFor(body.roomId) : this.instanceRules, body.text);
    return { matches: matches.map((m) => ({ ruleId: m.rule.id, name: m.rule.name, action: m.rule.action, matched: m.matched })) };
  }

  private rulesFor(roomId: string): CompiledRule[] {
    const room = this.roomRules.get(roomId);
    return room ? [...this.instanceRules, ...room] : this.instanceRules;
  }

  private allow(actorId: string, roomId: string | null): Promise<void> {
    return this.moderation.requireAllowed(roomId ? 'room.rules' : 'rules.edit', actorId, roomId);
  }

  /** This node at once, every other through the bus. */
  private async changed(): Promise<void> {
    await this.load();
    this.events.announceChanged(WORD_RULES_CHANGED);
  }
}
