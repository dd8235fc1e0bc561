import type { AdminPersonDetail, Message } from '@qc/shared';
import { AppError } from '../errors';
import type { InstanceStatsStore } from '../ports/instance-stats.port';
import type { MessageStateStore } from '../ports/message-state.port';
import type { MessageStore } from '../ports/message-store.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { RoomsService } from '../services/rooms.service';
import { toAdminUser, type ModerationService } from './moderation.service';

/** How many of someone's latest messages their page shows. */
export const PERSON_RECENT_MESSAGES = 20;

/**
 * Someone's page on the dashboard: their profile, the groups and channels they are in (with
 * their role and any mute), and their latest messages there as they are now (edited text,
 * deleted ones as tombstones). Direct conversations are counted, never shown: what was said
 * one to one reaches the staff only when someone reports it.
 */
export class PersonProfileService {
  constructor(
    private readonly moderation: Pick<ModerationService, 'requireStaff'>,
    private readonly meta: Pick<MetadataStore, 'findUserById'>,
    private readonly rooms: Pick<RoomsService, 'listMine'>,
    private readonly stats: Pick<InstanceStatsStore, 'latestBySender'>,
    private readonly history: Pick<MessageStore, 'findByIds'>,
    private readonly states: Pick<MessageStateStore, 'overlay'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async detail(actorId: string, userId: string): Promise<AdminPersonDetail> {
    await this.moderation.requireStaff(actorId);
    const user = await this.meta.findUserById(userId);
    if (!user || user.deletedAt) throw AppError.notFound('user');
    const mine = await this.rooms.listMine(userId);
    const shared = mine.filter((r) => r.kind !== 'direct');
    const names = new Map(shared.map((r) => [r.id, r.name]));
    const refs = await this.stats.latestBySender(userId, [...names.keys()], PERSON_RECENT_MESSAGES);
    const byRoom = new Map<string, string[]>();
    for (const r of refs) byRoom.set(r.roomId, [...(byRoom.get(r.roomId) ?? []), r.id]);
    const found = (await Promise.all([...byRoom].map(([roomId, ids]) => this.history.findByIds(roomId, ids)))).flat();
    const current: Message[] = await this.states.overlay(found);
    const order = new Map(refs.map((r, i) => [r.id, i]));
    const now = this.now().getTime();
    return {
      user: toAdminUser(user),
      rooms: shared.map((r) => ({
        id: r.id,
        kind: r.kind === 'channel' ? 'channel' : 'group',
        name: r.name,
        role: r.role,
        mutedUntil: r.mutedByModerator && Date.parse(r.mutedByModerator.until) > now ? r.mutedByModerator.until : null,
      })),
      directRooms: mine.length - shared.length,
      recentMessages: current
        .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
        .map((m) => ({ ...m, roomName: names.get(m.roomId) ?? '' })),
    };
  }
}
