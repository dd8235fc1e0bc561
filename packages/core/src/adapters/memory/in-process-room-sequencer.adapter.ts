import { KeyedSerialQueue } from '../../lib/keyed-serial-queue';
import type { RoomSequencer } from '../../ports/room-sequencer.port';

/** One process: a queue per room. */
export class InProcessRoomSequencer implements RoomSequencer {
  private readonly queue = new KeyedSerialQueue();
  run<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    return this.queue.run(roomId, task);
  }
}
