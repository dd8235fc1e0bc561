import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS, openAndMigrate } from '../../src/adapters/postgres/data-source';
import { ChannelNamesUnique1796240000000 } from '../../src/adapters/postgres/migrations/1796240000000-channel-names-unique';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import { ChannelNameTaken } from '../../src/ports/metadata.port';
import { startTestCore, type TestCore } from '../support/test-core';

/* Issue #12: one channel per name, case aside, kept by the database. */

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(async () => {
  await t?.stop();
});

test('two people creating "Race" and "race" at the same moment: one channel, the other is CONFLICT', async () => {
  const [a, b] = await Promise.all([t.user('race-a'), t.user('race-b')]);
  const results = await Promise.allSettled([
    t.core.rooms.create(a, { kind: 'channel', name: 'Race' }),
    t.core.rooms.create(b, { kind: 'channel', name: 'race' }),
  ]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
  const refused = results.find((r) => r.status === 'rejected');
  assert.equal((refused?.reason as { code?: string }).code, 'CONFLICT');
  assert.equal((await t.core.meta.listChannels('race', 10)).length, 1);
});

test('the store refuses a twin name itself, on create and on rename, with ChannelNameTaken', async () => {
  const meta = new PostgresMetadataStore(t.db.ds);
  const owner = await t.user('store-owner');
  const room = (name: string) => ({ kind: 'channel' as const, name, topic: null, createdBy: owner, directKey: null, members: [] });
  await meta.createRoom(room('Ops'));
  await assert.rejects(meta.createRoom(room('OPS')), (e: unknown) => e instanceof ChannelNameTaken && e.channelName === 'OPS');
  const other = (await meta.createRoom(room('Dev'))).room;
  await assert.rejects(meta.updateRoom(other.id, { name: 'ops' }), ChannelNameTaken);
  assert.equal((await meta.findRoomById(other.id))?.name, 'Dev');
});

test(
  'a database from before the rule, with twins in it, migrates: the oldest keeps the name, later ones get the first free " (n)"',
  {
    timeout: 60_000,
  },
  async () => {
    const dbName = `qc_names_${Date.now()}`;
    await t.db.ds.query(`CREATE DATABASE ${dbName}`);
    const url = new URL(t.db.url);
    url.pathname = `/${dbName}`;
    const before = new DataSource({
      type: 'postgres',
      url: url.toString(),
      migrations: MIGRATIONS.filter((m) => m !== ChannelNamesUnique1796240000000),
      migrationsTableName: 'typeorm_migrations',
    });
    let after: DataSource | null = null;
    try {
      await before.initialize();
      await before.runMigrations();
      const user = uuidv7();
      await before.query(`INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, 'old', 'Old', 'x')`, [user]);
      const long = 'x'.repeat(80);
      const rows: [string, 'channel' | 'group', string][] = [
        ['taken', 'channel', 'General (2)'],
        ['first', 'channel', 'General'],
        ['second', 'channel', 'general'],
        ['third', 'channel', ' GENERAL '],
        ['group', 'group', 'general'],
        ['long1', 'channel', long],
        ['long2', 'channel', long.toUpperCase()],
        ['alone', 'channel', 'Random'],
      ];
      const ids = new Map<string, string>();
      for (const [i, [key, kind, name]] of rows.entries()) {
        const id = uuidv7();
        ids.set(key, id);
        await before.query(
          `INSERT INTO rooms (id, kind, name, created_by, created_at) VALUES ($1, $2, $3, $4, now() + $5 * interval '1 second')`,
          [id, kind, name, user, i],
        );
      }
      await before.destroy();

      after = createDataSource(url.toString(), { poolSize: 2 });
      assert.deepEqual(await openAndMigrate(after), ['ChannelNamesUnique1796240000000']);
      const names = new Map(
        ((await after.query(`SELECT id, name FROM rooms`)) as { id: string; name: string }[]).map((r) => [r.id, r.name]),
      );
      const nameOf = (key: string) => names.get(ids.get(key)!);
      assert.equal(nameOf('taken'), 'General (2)');
      assert.equal(nameOf('first'), 'General');
      assert.equal(nameOf('second'), 'general (3)');
      assert.equal(nameOf('third'), 'GENERAL (4)');
      assert.equal(nameOf('group'), 'general', 'groups are not channels: untouched');
      assert.equal(nameOf('long1'), long);
      assert.equal(nameOf('long2'), `${'X'.repeat(76)} (2)`);
      assert.equal(nameOf('alone'), 'Random');

      await assert.rejects(
        after.query(`INSERT INTO rooms (id, kind, name, created_by) VALUES ($1, 'channel', 'RANDOM', $2)`, [uuidv7(), user]),
        /rooms_channel_name_key/,
      );
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after?.isInitialized) await after.destroy();
      await t.db.ds.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    }
  },
);
