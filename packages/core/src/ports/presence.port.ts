import type { PresenceStatus } from '@qc/shared';

export interface PresenceSnapshot {
  status: PresenceStatus;
  lastSeen: Date | null;
}

/**
 * Who is online, aggregated over a user's devices: online if any device is online,
 * away if every device is away, offline if none is connected. Entries carry a TTL so a
 * node that dies without saying goodbye does not leave its users online for ever.
 */
export interface PresenceStore {
  /** Records one connection's status; returns the user's aggregate before and after. */
  setConnection(
    userId: string,
    connectionId: string,
    status: 'online' | 'away',
    ttlMs: number,
  ): Promise<{ before: PresenceStatus; after: PresenceStatus }>;
  /**
   * A new connection, online, unless the user already has `maxConnections` live ones
   * (expired ones do not count; one already recorded is let in again). Atomic, so
   * connections racing in on several nodes never get past the cap together.
   */
  admitConnection(
    userId: string,
    connectionId: string,
    ttlMs: number,
    maxConnections: number,
  ): Promise<{ admitted: boolean; open: number; before: PresenceStatus; after: PresenceStatus }>;
  removeConnection(userId: string, connectionId: string): Promise<{ before: PresenceStatus; after: PresenceStatus }>;
  /** Extends the TTL of these connections (a node's heartbeat). */
  refresh(entries: { userId: string; connectionId: string }[], ttlMs: number): Promise<void>;
  get(userIds: string[]): Promise<Map<string, PresenceSnapshot>>;
  /** How many people have at least one live connection (online or away), on every node: the dashboard's "online now". */
  countOnline(): Promise<number>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');
