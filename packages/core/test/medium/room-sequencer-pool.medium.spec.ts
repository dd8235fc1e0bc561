import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { Pool } from 'pg';
import { createDataSource, MIGRATIONS, openAndMigrate, poolUsage } from '../../src/adapters/postgres/data-source';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { PostgresRoomSequencer } from '../../src/adapters/postgres/postgres-room-sequencer.adapter';
import { loadConfig } from '../../src/config/config';
import { createAdapters, createCoreServices, registerLogConsumers, type CoreServices } from '../../src/composition';
import { uuidv7 } from '../../src/lib/uuidv7';
import { RecordingBroadcaster } from '../support/recording-broadcaster';
import { startTestDatabase, type TestDatabase } from '../support/test-database';

/*
 * Issue #8, item 3: the distributed profile deadlocked under load. The PostgreSQL room
 * sequencer holds a pooled connection per busy room for the room's advisory lock; if the
 * send inside the lock takes a second connection from the same pool, as many busy rooms
 * as the pool has connections hold all of them while each waits for one more, and every
 * send times out ("timeout exceeded when trying to connect").
 *
 * Here one "api node" has a pool of POOL_SIZE connections and ROOMS rooms (several times
 * as many) send at once through MessagesService with the PostgreSQL sequencer. Every send
 * must be acked, gap-free and published in seq order per room. The time bound is generous
 * (well over ten times what a slow 2-core machine needs): it only catches sends that queue
 * behind pool timeouts (10 s each), not a slow run.
 */

const POOL_SIZE = 4;
const ROOMS = 16;
const SENDERS_PER_ROOM = 2;
const SENDS_PER_SENDER = 4;
const BOUND_MS = 30_000;

let db: TestDatabase;
let node: DataSource;
let core: CoreServices;
let bc: RecordingBroadcaster;
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

before(async () => {
  db = await startTestDatabase();
  node = createDataSource(db.url, { poolSize: POOL_SIZE, applicationName: 'qc-pool-spec' });
  await node.initialize();
  const config = loadConfig({
    QC_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qc-pool-')),
    RATE_LIMIT_MESSAGES_PER_SEC: '1000',
    RATE_LIMIT_MESSAGES_BURST: '1000',
    // Order and pool use under bursts, not overload: a slow machine must not shed them.
    SEND_QUEUE_MAX_WAIT_MS: '60000',
  });
  bc = new RecordingBroadcaster();
  // Without REDIS_URL the composition picks the in-process sequencer: this node uses the
  // one several api nodes use (the distributed profile), on its own small pool.
  core = createCoreServices(
    config,
    { ...(await createAdapters(config, node, silent)), roomSequencer: new PostgresRoomSequencer(node) },
    bc,
  );
  registerLogConsumers(core.messageLog, bc);
});
after(async () => {
  await core?.close();
  await node?.destroy();
  await db?.stop();
});

test(
  `${ROOMS} busy rooms on a pool of ${POOL_SIZE} connections: every send is acked, none waits out a pool timeout`,
  { timeout: 180_000 },
  async (t) => {
    // Users and rooms are made on the test database's own pool: only the sends use the node's.
    const meta = new PostgresMetadataStore(db.ds);
    const rooms: { id: string; senders: string[] }[] = [];
    for (let r = 0; r < ROOMS; r++) {
      const senders: string[] = [];
      for (let s = 0; s < SENDERS_PER_ROOM; s++) {
        const id = uuidv7();
        await meta.createUser({ id, username: `p${r}s${s}${Date.now() % 1e6}`, displayName: 'Sender', passwordHash: 'x' });
        senders.push(id);
      }
      const { room } = await meta.createRoom({
        kind: 'group',
        name: `busy ${r}`,
        topic: null,
        createdBy: senders[0]!,
        directKey: null,
        members: senders.map((userId, i) => ({ userId, role: i === 0 ? ('owner' as const) : ('member' as const) })),
      });
      rooms.push({ id: room.id, senders });
    }
    bc.emits.length = 0;

    const began = performance.now();
    const ackMs: number[] = [];
    const failures: string[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < SENDS_PER_SENDER; i++) {
      for (const room of rooms) {
        for (const sender of room.senders) {
          sends.push(
            core.messages.send(sender, { roomId: room.id, clientMsgId: `${sender}-${i}`, content: `hello ${i}` }).then(
              () => void ackMs.push(performance.now() - began),
              (e: unknown) => void failures.push(e instanceof Error ? e.message : String(e)),
            ),
          );
        }
      }
    }
    await Promise.all(sends);
    const elapsedMs = performance.now() - began;

    const total = ROOMS * SENDERS_PER_ROOM * SENDS_PER_SENDER;
    const sorted = [...ackMs].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(0) : '-');
    const pool = (node.driver as PostgresDriver).master as Pool;
    const poolTimeouts = failures.filter((m) => /timeout exceeded when trying to connect/.test(m)).length;
    t.diagnostic(
      `${ROOMS} busy rooms, pool of ${POOL_SIZE}: ${ackMs.length}/${total} sends acked in ${elapsedMs.toFixed(0)} ms ` +
        `(ack p50 ${pct(0.5)} ms, max ${pct(1)} ms); ${failures.length} failed, ${poolTimeouts} of them pool timeouts; ` +
        `pool now total ${pool.totalCount}, idle ${pool.idleCount}, waiting ${pool.waitingCount}`,
    );

    assert.deepEqual(
      [...new Set(failures)].map((m) => `${failures.filter((f) => f === m).length}x ${m}`),
      [],
      'every send must be acked',
    );
    assert.equal(ackMs.length, total);
    assert.ok(elapsedMs < BOUND_MS, `${total} sends took ${elapsedMs.toFixed(0)} ms (bound ${BOUND_MS} ms)`);
    assert.equal(pool.waitingCount, 0, 'nothing is left waiting for a connection');

    // Still one order per room: seqs 1..n, handed to fan-out in that order.
    const perRoom = SENDERS_PER_ROOM * SENDS_PER_SENDER;
    for (const room of rooms) {
      const published = bc.newSeqsOf(room.id);
      assert.deepEqual(
        published,
        Array.from({ length: perRoom }, (_, i) => i + 1),
        `room ${room.id}`,
      );
    }
  },
);

test('the database health check reports the pool, and says when it is exhausted', { timeout: 60_000 }, async (t) => {
  const check = core.healthChecks.find((c) => c.name === 'database')!;
  const calm = await check.ping();
  assert.equal(calm?.warning, undefined);
  assert.equal(calm?.pool?.max, POOL_SIZE);
  assert.equal(calm?.pool?.waiting, 0);

  // Every connection busy, and one more request waiting for one.
  const held = await Promise.all(
    Array.from({ length: POOL_SIZE }, async () => {
      const r = node.createQueryRunner();
      await r.connect();
      return r;
    }),
  );
  const queued = node.query('SELECT 1');
  for (let i = 0; i < 200 && poolUsage(node).waiting === 0; i++) await new Promise((r) => setTimeout(r, 10));
  try {
    const exhausted = await check.ping();
    t.diagnostic(`exhausted: ${JSON.stringify(exhausted)}`);
    assert.deepEqual(exhausted?.pool, { total: POOL_SIZE, idle: 0, waiting: 1, max: POOL_SIZE });
    assert.match(exhausted?.warning ?? '', /pool exhausted: 4 of 4 connections busy and 1 request\(s\) waiting/);
    assert.match(exhausted?.warning ?? '', /raise DATABASE_POOL_SIZE .* or add api nodes/);
  } finally {
    await Promise.all(held.map((r) => r.release()));
  }
  await queued;
  assert.equal((await check.ping())?.warning, undefined, 'healthy again once the pool has room');
});

test('migrating a new database works on a pool of one connection', { timeout: 60_000 }, async () => {
  // openAndMigrate holds a connection for the migration lock; the migrations must run on
  // that one, not wait for a second from the pool (which, with one connection, never comes).
  const name = `qc_migrate_${Date.now()}`;
  await db.ds.query(`CREATE DATABASE ${name}`);
  const url = new URL(db.url);
  url.pathname = `/${name}`;
  const one = createDataSource(url.toString(), { poolSize: 1 });
  try {
    const ran = await openAndMigrate(one);
    assert.deepEqual(ran.length, MIGRATIONS.length);
    assert.deepEqual(await openAndMigrate(one), [], 'a second start finds nothing to do');
  } finally {
    if (one.isInitialized) await one.destroy();
    await db.ds.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
});
