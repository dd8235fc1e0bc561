import { KeyedSerialQueue } from '../../lib/keyed-serial-queue';
import type { RoomSequencer, SequencerScope } from '../../ports/room-sequencer.port';

/** One process: a queue per room. It holds no connection, so it hands its tasks no scope. */
export class InProcessRoomSequencer implements RoomSequencer {
  private readonly queue = new KeyedSerialQueue();
  pending(): number {
    return this.queue.pending;
  }

  run<T>(roomId: string, task: (scope: SequencerScope | undefined) => Promise<T>): Promise<T> {
    return this.queue.run(roomId, () => task(undefined));
  }
}
