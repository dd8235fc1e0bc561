import type { DataSource } from 'typeorm';
import { KeyedSerialQueue } from '../../lib/keyed-serial-queue';
import type { RoomSequencer } from '../../ports/room-sequencer.port';

/**
 * Across api nodes: a PostgreSQL advisory lock per room (keyed by a 64-bit hash of its id;
 * a collision only serialises two rooms). Tasks of one room in this process queue first,
 * so a busy room holds one database connection for the lock, not one per waiting send.
 * The lock is session-level on its own connection and is released even if the task fails.
 */
export class PostgresRoomSequencer implements RoomSequencer {
  private readonly local = new KeyedSerialQueue();

  constructor(private readonly ds: DataSource) {}

  run<T>(roomId: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(roomId, async () => {
      const runner = this.ds.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 7))', [roomId]);
        try {
          return await task();
        } finally {
          await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [roomId]);
        }
      } finally {
        await runner.release();
      }
    });
  }
}
