import type { TypingMark, TypingStore } from '../../ports/typing.port';

/** Typing marks in this process's memory: the embedded profile has one node, so one map. */
export class MemoryTypingStore implements TypingStore {
  /** roomId -> userId -> expiry (ms). */
  private readonly rooms = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  async start({ roomId, userId }: TypingMark, ttlMs: number): Promise<void> {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    room.set(userId, this.now() + ttlMs);
  }

  async stop({ roomId, userId }: TypingMark): Promise<boolean> {
    const room = this.rooms.get(roomId);
    const expiry = room?.get(userId);
    if (!room || expiry === undefined) return false;
    room.delete(userId);
    if (room.size === 0) this.rooms.delete(roomId);
    return true;
  }

  async takeExpired(limit: number): Promise<TypingMark[]> {
    const t = this.now();
    const out: TypingMark[] = [];
    for (const [roomId, room] of this.rooms) {
      for (const [userId, expiry] of room) {
        if (out.length >= limit) return out;
        if (expiry > t) continue;
        room.delete(userId);
        out.push({ roomId, userId });
      }
      if (room.size === 0) this.rooms.delete(roomId);
    }
    return out;
  }

  async typingIn(roomId: string): Promise<string[]> {
    const t = this.now();
    return [...(this.rooms.get(roomId) ?? [])].filter(([, expiry]) => expiry > t).map(([userId]) => userId);
  }
}
