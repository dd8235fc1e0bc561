import type { PresenceStatus } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';
import type { MetadataStore } from '../ports/metadata.port';
import type { PresenceStore } from '../ports/presence.port';
import { AppError } from '../errors';
import { StateCoalescer } from '../lib/state-coalescer';

/** How long a connection counts as present without a heartbeat. */
export const PRESENCE_TTL_MS = 60_000;

export interface PresenceServiceOptions {
  /**
   * At most one presence broadcast per person per this many ms (0 = every change); a
   * change inside it is told at its end, if it still stands. Issue #10 flipped
   * `presence:set` 500 times for 500 broadcasts, each with a query for the person's peers.
   */
  broadcastEveryMs?: number;
  onBroadcastError?: (err: unknown) => void;
  /**
   * Rooms of at least this many members (LARGE_ROOM_MEMBERS) do not carry their members'
   * presence: a reconnect storm of the 2,000 members of one such room told each of them
   * about the other 1,999, and the bench's 5,000-client storm took minutes to connect.
   */
  largeRoomMembers?: number;
}

/**
 * Presence per user over all their devices. Only a change of the aggregate is told, only
 * to people who share a room with the user (a room that is not very large: see
 * `largeRoomMembers`), and at most once per `broadcastEveryMs`.
 */
export class PresenceService {
  private readonly told: StateCoalescer<PresenceStatus>;

  constructor(
    private readonly meta: MetadataStore,
    private readonly store: PresenceStore,
    private readonly broadcaster: Broadcaster,
    private readonly now: () => Date = () => new Date(),
    opts: PresenceServiceOptions = {},
  ) {
    this.told = new StateCoalescer<PresenceStatus>(
      opts.broadcastEveryMs ?? 3_000,
      async (userId, status) => {
        const peers = await this.meta.listPeersOf(userId, opts.largeRoomMembers);
        const event = { userId, status, lastSeen: this.now().toISOString() };
        // Not volatile, as typing: told once per change (coalesced), a dropped packet would leave a stale status.
        this.broadcaster.toUsers([...peers, userId], 'presence', event);
      },
      (a, b) => a === b,
      opts.onBroadcastError,
    );
  }

  /**
   * A socket opening. Refused with TOO_MANY_CONNECTIONS when the person already has
   * `maxConnections` open on any node: the presence store holds each person's live
   * connections (Redis across nodes), so it is also where they are counted. The newest is
   * refused rather than the oldest closed: closing a working device's socket on every new
   * tab would let a loop of reconnects knock out each other, and a person can close a tab.
   */
  async connected(userId: string, connectionId: string, maxConnections: number) {
    const r = await this.store.admitConnection(userId, connectionId, PRESENCE_TTL_MS, maxConnections);
    if (!r.admitted) {
      throw new AppError(
        'TOO_MANY_CONNECTIONS',
        `you already have ${r.open} connections open (the most is ${maxConnections}): close tabs or devices you no longer use, or wait a minute for closed ones to time out, then reconnect`,
      );
    }
    await this.announceIfChanged(userId, r);
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

  close() {
    this.told.close();
  }

  private async announceIfChanged(userId: string, change: { before: PresenceStatus; after: PresenceStatus }) {
    if (change.before === change.after) return;
    await this.told.offer(userId, change.after);
  }
}
