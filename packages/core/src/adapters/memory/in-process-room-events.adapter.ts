import type { RoomEventBus } from '../../ports/room-events.port';

/** One process: the listeners are this process's own, called at once. */
export class InProcessRoomEvents implements RoomEventBus {
  private readonly listeners: ((roomId: string) => void)[] = [];

  announceChanged(roomId: string): void {
    for (const listener of this.listeners) listener(roomId);
  }

  onChanged(listener: (roomId: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    this.listeners.length = 0;
  }
}
