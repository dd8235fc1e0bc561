import type { PresenceStatus } from '@qc/shared';
import type { PresenceSnapshot, PresenceStore } from '../../ports/presence.port';

interface Conn {
  status: 'online' | 'away';
  expiresAt: number;
}

/** Presence in this process's memory; entries expire unless refreshed. */
export class MemoryPresenceStore implements PresenceStore {
  private readonly users = new Map<string, Map<string, Conn>>();
  private readonly lastSeen = new Map<string, Date>();

  constructor(private readonly now: () => number = Date.now) {}

  private aggregate(userId: string): PresenceStatus {
    const conns = this.users.get(userId);
    if (!conns) return 'offline';
    const t = this.now();
    let any = false;
    for (const [id, c] of conns) {
      if (c.expiresAt <= t) {
        conns.delete(id);
        continue;
      }
      if (c.status === 'online') return 'online';
      any = true;
    }
    if (conns.size === 0) this.users.delete(userId);
    return any ? 'away' : 'offline';
  }

  async setConnection(userId: string, connectionId: string, status: 'online' | 'away', ttlMs: number) {
    const before = this.aggregate(userId);
    let conns = this.users.get(userId);
    if (!conns) this.users.set(userId, (conns = new Map()));
    conns.set(connectionId, { status, expiresAt: this.now() + ttlMs });
    this.lastSeen.set(userId, new Date(this.now()));
    return { before, after: this.aggregate(userId) };
  }

  async admitConnection(userId: string, connectionId: string, ttlMs: number, maxConnections: number) {
    const before = this.aggregate(userId);
    const open = this.liveConnections(userId);
    if (open >= maxConnections && !this.users.get(userId)?.has(connectionId)) return { admitted: false, open, before, after: before };
    const change = await this.setConnection(userId, connectionId, 'online', ttlMs);
    return { admitted: true, open: this.liveConnections(userId), ...change };
  }

  /** Drops the user's expired connections (aggregate stops at the first online one) and counts the rest. */
  private liveConnections(userId: string): number {
    const conns = this.users.get(userId);
    if (!conns) return 0;
    const t = this.now();
    for (const [id, c] of conns) if (c.expiresAt <= t) conns.delete(id);
    return conns.size;
  }

  async removeConnection(userId: string, connectionId: string) {
    const before = this.aggregate(userId);
    this.users.get(userId)?.delete(connectionId);
    this.lastSeen.set(userId, new Date(this.now()));
    return { before, after: this.aggregate(userId) };
  }

  async refresh(entries: { userId: string; connectionId: string }[], ttlMs: number) {
    const until = this.now() + ttlMs;
    for (const { userId, connectionId } of entries) {
      const c = this.users.get(userId)?.get(connectionId);
      if (c) c.expiresAt = until;
    }
  }

  async countOnline(): Promise<number> {
    let n = 0;
    for (const userId of [...this.users.keys()]) if (this.aggregate(userId) !== 'offline') n++;
    return n;
  }

  async get(userIds: string[]): Promise<Map<string, PresenceSnapshot>> {
    const out = new Map<string, PresenceSnapshot>();
    for (const id of userIds) out.set(id, { status: this.aggregate(id), lastSeen: this.lastSeen.get(id) ?? null });
    return out;
  }
}
