import type { PresenceStatus } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { PresenceStore } from '../ports/presence.port';

/** How long a connection counts as present without a heartbeat. */
export const PRESENCE_TTL_MS = 60_000;

/**
 * Presence per user over all their devices. Only a change of the aggregate is told, and
 * only to people who share a room with the user.
 */
export class PresenceService {
  constructor(
    private readonly meta: MetadataStore,
    private readonly store: PresenceStore,
    private readonly broadcaster: Broadcaster,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async connected(userId: string, connectionId: string) {
    const change = await this.store.setConnection(userId, connectionId, 'online', PRESENCE_TTL_MS);
    await this.announceIfChanged(userId, change);
  }

  async setStatus(userId: string, connectionId: string, status: 'online' | 'away') {
    const change = await this.store.setConnection(userId, connectionId, status, PRESENCE_TTL_MS);
    await this.announceIfChanged(userId, change);
  }

  async disconnected(userId: string, connectionId: string) {
    const change = await this.store.removeConnection(userId, connectionId);
    await this.meta.touchLastSeen(userId, this.now());
    await this.announceIfChanged(userId, change);
  }

  heartbeat(entries: { userId: string; connectionId: string }[]) {
    return this.store.refresh(entries, PRESENCE_TTL_MS);
  }

  private async announceIfChanged(userId: string, change: { before: PresenceStatus; after: PresenceStatus }) {
    if (change.before === change.after) return;
    const peers = await this.meta.listPeersOf(userId);
    const event = { userId, status: change.after, lastSeen: this.now().toISOString() };
    this.broadcaster.toUsers([...peers, userId], 'presence', event, { volatile: true });
  }
}
