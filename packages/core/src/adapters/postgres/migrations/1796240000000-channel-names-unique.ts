import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The longest room name the shared schema accepts; a renamed duplicate stays within it. */
const NAME_MAX = 80;

/**
 * Two channels may not share a name, whatever its case: people find a channel by its name in
 * "Browse channels" and would not know which "General" is theirs. The rule lives in the
 * database (a unique index on lower(name) over channels), so two people creating "General"
 * and "general" at the same moment cannot both win.
 *
 * A database from before the rule may hold such twins, and the index could not be built over
 * them: the oldest channel of each name keeps it, and each later one is renamed "<name> (2)",
 * "<name> (3)"… (the first number free). Names are trimmed on the way in, but only since the
 * shared schema said so: older ones are trimmed here first, so " General" is a twin too.
 * Writers wait for the migration (the table lock), so none slips a twin in before the index.
 */
export class ChannelNamesUnique1796240000000 implements MigrationInterface {
  name = 'ChannelNamesUnique1796240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE rooms IN SHARE ROW EXCLUSIVE MODE`);
    await q.query(`UPDATE rooms SET name = btrim(name) WHERE kind = 'channel' AND name <> btrim(name)`);
    const twins: { id: string; name: string }[] = await q.query(`
      SELECT id, name FROM (
        SELECT id, name, lower(name) AS key, created_at,
               row_number() OVER (PARTITION BY lower(name) ORDER BY created_at, id) AS nth
        FROM rooms WHERE kind = 'channel'
      ) t
      WHERE nth > 1
      ORDER BY key, created_at, id`);
    for (const twin of twins) {
      for (let n = 2; ; n += 1) {
        const suffix = ` (${n})`;
        const candidate = twin.name.slice(0, NAME_MAX - suffix.length).trimEnd() + suffix;
        // PostgreSQL's own lower(), the index's, decides what counts as the same name.
        const taken: unknown[] = await q.query(`SELECT 1 FROM rooms WHERE kind = 'channel' AND lower(name) = lower($1) LIMIT 1`, [
          candidate,
        ]);
        if (taken.length > 0) continue;
        await q.query(`UPDATE rooms SET name = $2 WHERE id = $1`, [twin.id, candidate]);
        break;
      }
    }
    // The unique index also serves what the plain one did: browsing channels by lower(name).
    await q.query(`DROP INDEX IF EXISTS rooms_channels_idx`);
    await q.query(`CREATE UNIQUE INDEX rooms_channel_name_key ON rooms (lower(name)) WHERE kind = 'channel'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX rooms_channel_name_key`);
    await q.query(`CREATE INDEX rooms_channels_idx ON rooms (lower(name)) WHERE kind = 'channel'`);
  }
}
