import { LIMITS } from '@qc/shared';
import type { Broadcaster } from '../ports/broadcaster.port';

/**
 * Typing indicators are volatile and expire by themselves: if a client stops renewing
 * (closed tab, lost network) the others see "stopped typing" within LIMITS.typingTtlMs.
 */
export class TypingService {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly ttlMs: number = LIMITS.typingTtlMs,
  ) {}

  /** The caller has already checked membership. */
  typing(userId: string, roomId: string, isTyping: boolean, socketId?: string) {
    const key = `${roomId}:${userId}`;
    const prev = this.timers.get(key);
    if (prev) clearTimeout(prev);
    this.timers.delete(key);
    if (isTyping) {
      const t = setTimeout(() => {
        this.timers.delete(key);
        this.broadcaster.toRoom(roomId, 'typing', { roomId, userId, isTyping: false }, { volatile: true });
      }, this.ttlMs);
      t.unref();
      this.timers.set(key, t);
    } else if (!prev) {
      return; // nothing was showing
    }
    this.broadcaster.toRoom(roomId, 'typing', { roomId, userId, isTyping }, { volatile: true, exceptSocketId: socketId });
  }

  /** A message sent ends its sender's typing indicator. */
  stopped(userId: string, roomId: string) {
    this.typing(userId, roomId, false);
  }

  close() {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
