import type { AdminOverview } from '@qc/shared';
import type { CaseStore } from '../ports/case-store.port';
import type { InstanceStatsStore } from '../ports/instance-stats.port';
import type { PresenceStore } from '../ports/presence.port';
import type { ModerationService } from './moderation.service';

/** Minutes the dashboard's chart covers, the minute under way included. */
export const OVERVIEW_MINUTES = 60;

/** The dashboard's overview for the instance's staff: who is here, how busy it is, what waits for them. */
export class AdminOverviewService {
  constructor(
    private readonly moderation: Pick<ModerationService, 'requireStaff'>,
    private readonly presence: Pick<PresenceStore, 'countOnline'>,
    private readonly cases: Pick<CaseStore, 'countOpen'>,
    private readonly stats: InstanceStatsStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async overview(actorId: string): Promise<AdminOverview> {
    await this.moderation.requireStaff(actorId);
    const now = this.now();
    const thisMinute = Math.floor(now.getTime() / 60_000) * 60_000;
    const since = new Date(thisMinute - (OVERVIEW_MINUTES - 1) * 60_000);
    const [online, cases, counts] = await Promise.all([
      this.presence.countOnline(),
      this.cases.countOpen(),
      this.stats.messagesPerMinute(since, now),
    ]);
    return { at: now.toISOString(), online, cases, messagesPerMinute: { since: since.toISOString(), counts } };
  }
}
