import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { KeyedSerialQueue } from '../../lib/keyed-serial-queue';
import type { RoomSequencer, SequencerScope } from '../../ports/room-sequencer.port';
import { setQueryBound } from './bounded-client';
import { PostgresSequencerScope } from './pg-scope';

/**
 * Across api nodes: a PostgreSQL advisory lock per room (keyed by a 64-bit hash of its id;
 * a collision only serialises two rooms). Tasks of one room in this process queue first,
 * so a busy room holds one database connection for the lock, not one per waiting send.
 *
 * The task is handed that connection as its scope, and the message store commits on it:
 * a room holding a connection never waits for the pool, so any number of busy rooms share
 * a pool of any size (rooms without a connection wait for one while holding nothing). The
 * lock is session-level, so it also covers what the task does after its commit (publishing
 * to the log). It is released even if the task fails; a connection that may still hold it
 * is closed rather than pooled, which drops the lock with its session.
 */
export class PostgresRoomSequencer implements RoomSequencer {
  private readonly local = new KeyedSerialQueue();

  constructor(
    private readonly ds: DataSource,
    /** How long a send may wait for its room's lock; see setQueryBound. */
    private readonly lockWaitMs = 30_000,
  ) {}

  pending(): number {
    return this.local.pending;
  }

  run<T>(roomId: string, task: (scope: SequencerScope | undefined) => Promise<T>): Promise<T> {
    return this.local.run(roomId, async () => {
      const runner = this.ds.createQueryRunner();
      const client: unknown = await runner.connect();
      let held = false;
      try {
        // Waiting behind other nodes' sends to this room is not a stalled database: the lock
        // wait gets a longer bound than one query (a frozen server still ends it).
        setQueryBound(client, this.lockWaitMs);
        try {
          await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 7))', [roomId]);
        } finally {
          setQueryBound(client, undefined);
        }
        held = true;
        try {
          return await task(new PostgresSequencerScope(runner));
        } finally {
          // The stores commit or roll back their own transactions; one left open would fail the unlock.
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 7))', [roomId]);
          held = false;
        }
      } finally {
        if (held) await closeSession(runner);
        await runner.release();
      }
    });
  }
}

/** Ends the runner's connection; the pool then drops it instead of handing it out again. */
async function closeSession(runner: QueryRunner): Promise<void> {
  const client = (await runner.connect()) as PoolClient;
  await client.end().catch(() => undefined);
}
