import type { DataSource } from 'typeorm';
import type { InstanceStatsStore } from '../../ports/instance-stats.port';
import { queryRows } from './pg-rows';

/**
 * Counted in PostgreSQL in both profiles: `messages` holds the embedded profile's history and
 * `message_keys` a row per message of the Cassandra profile's (its key and seq; one of the
 * two is empty). Both have a BRIN index on created_at (rows arrive in time order), so the
 * last hour is read without scanning the history, at almost no cost to each insert.
 */
export class PostgresInstanceStats implements InstanceStatsStore {
  constructor(private readonly ds: DataSource) {}

  async messagesPerMinute(since: Date, now: Date): Promise<number[]> {
    const minutes = Math.max(1, Math.floor((now.getTime() - since.getTime()) / 60_000) + 1);
    const rows = await queryRows<{ minute: number; n: string }>(
      this.ds,
      `SELECT floor(extract(epoch FROM created_at - $1::timestamptz) / 60)::int AS minute, count(*) AS n
         FROM (SELECT created_at FROM messages WHERE created_at >= $1 AND created_at < $2
               UNION ALL
               SELECT created_at FROM message_keys WHERE created_at >= $1 AND created_at < $2) m
        GROUP BY 1`,
      [since, new Date(since.getTime() + minutes * 60_000)],
    );
    const counts = new Array<number>(minutes).fill(0);
    for (const r of rows) if (r.minute >= 0 && r.minute < minutes) counts[r.minute] = Number(r.n);
    return counts;
  }

  async latestBySender(senderId: string, roomIds: string[], limit: number): Promise<{ roomId: string; id: string }[]> {
    if (roomIds.length === 0) return [];
    // Each table through its (sender_id, room_id, seq) index: the newest per room, then the newest of those.
    const rows = await queryRows<{ room_id: string; id: string }>(
      this.ds,
      `SELECT room_id, id FROM (
         SELECT room_id, id, seq, created_at FROM messages WHERE sender_id = $1 AND room_id = ANY($2::uuid[])
         UNION ALL
         SELECT room_id, id, seq, created_at FROM message_keys WHERE sender_id = $1 AND room_id = ANY($2::uuid[])
       ) m ORDER BY created_at DESC, seq DESC LIMIT $3`,
      [senderId, roomIds, limit],
    );
    return rows.map((r) => ({ roomId: r.room_id, id: r.id }));
  }
}
