import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RoomEventBus } from '../../ports/room-events.port';

/**
 * Across api nodes, over Redis pub/sub on one channel: a PUBLISH per change, every node
 * (this one included) subscribed. `sub` must be a connection of its own (a subscribed
 * connection takes no other commands). The announcing node is also told at once, without
 * waiting for its own message to come back: its next send must see the change. Each message
 * carries the sender's id, so that echo is passed over rather than handled a second time (it
 * would drop a members list read again in between).
 */
export class RedisRoomEvents implements RoomEventBus {
  private readonly listeners: ((roomId: string) => void)[] = [];
  private subscribed: Promise<unknown> | null = null;
  private readonly nodeId = randomUUID();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly channel: string,
  ) {
    sub.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const [from, roomId] = text.split(' ');
      if (from === this.nodeId || !roomId) return;
      for (const listener of this.listeners) listener(roomId);
    });
  }

  /** Resolves once this node hears the others (start-up waits for it). */
  ready(): Promise<unknown> {
    this.subscribed ??= this.sub.subscribe(this.channel);
    return this.subscribed;
  }

  announceChanged(roomId: string): void {
    for (const listener of this.listeners) listener(roomId);
    // Best effort (see the port): with Redis away, other nodes' caches heal as the port says.
    this.pub.publish(this.channel, `${this.nodeId} ${roomId}`).catch(() => undefined);
  }

  onChanged(listener: (roomId: string) => void): void {
    this.listeners.push(listener);
    void this.ready();
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
    this.sub.disconnect();
  }
}
