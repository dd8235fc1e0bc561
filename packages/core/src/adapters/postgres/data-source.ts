import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DatabasePoolUsage } from '@qc/shared';
import { boundedClientClass, setQueryBound, type QueryPulse } from './bounded-client';
import { InitialSchema1732350000000 } from './migrations/1732350000000-initial-schema';
import { MessageKeys1763900000000 } from './migrations/1763900000000-message-keys';
import { MessageSearch1795430000000 } from './migrations/1795430000000-message-search';
import { MessageChanges1796000000000 } from './migrations/1796000000000-message-changes';
import { Receipts1796100000000 } from './migrations/1796100000000-receipts';
import { Mentions1796200000000 } from './migrations/1796200000000-mentions';
import { ChannelNamesUnique1796240000000 } from './migrations/1796240000000-channel-names-unique';
import { UserTimeZone1796270000000 } from './migrations/1796270000000-user-time-zone';
import { AccountErasure1796400000000 } from './migrations/1796400000000-account-erasure';
import { Uploads1796500000000 } from './migrations/1796500000000-uploads';
import { Push1796600000000 } from './migrations/1796600000000-push';
import { UploadOrder1796610000000 } from './migrations/1796610000000-upload-order';
import { Moderation1796700000000 } from './migrations/1796700000000-moderation';
import { WordRules1796710000000 } from './migrations/1796710000000-word-rules';
import { Cases1796720000000 } from './migrations/1796720000000-cases';
import { AccountDisable1796730000000 } from './migrations/1796730000000-account-disable';
import { RoomPace1796740000000 } from './migrations/1796740000000-room-pace';
import { InstanceSettings1796750000000 } from './migrations/1796750000000-instance-settings';
import { MessageTimeBrin1796760000000 } from './migrations/1796760000000-message-time-brin';
import { RoomArchive1796770000000 } from './migrations/1796770000000-room-archive';

export const MIGRATIONS = [
  InitialSchema1732350000000,
  MessageKeys1763900000000,
  MessageSearch1795430000000,
  MessageChanges1796000000000,
  Receipts1796100000000,
  Mentions1796200000000,
  ChannelNamesUnique1796240000000,
  UserTimeZone1796270000000,
  AccountErasure1796400000000,
  Uploads1796500000000,
  Push1796600000000,
  UploadOrder1796610000000,
  Moderation1796700000000,
  WordRules1796710000000,
  Cases1796720000000,
  AccountDisable1796730000000,
  RoomPace1796740000000,
  InstanceSettings1796750000000,
  MessageTimeBrin1796760000000,
  RoomArchive1796770000000,
];

export interface DataSourceOptions {
  poolSize?: number;
  applicationName?: string;
  /** How long a request waits for a pool connection (then fails); see AppConfig.databaseTimeouts. */
  acquireTimeoutMs?: number;
  /** How long one query waits for its answer before its connection is dropped; see bounded-client.ts. */
  queryTimeoutMs?: number;
}

const pulses = new WeakMap<DataSource, QueryPulse>();

/** One TypeORM data source over pg; the schema is owned by the migrations above. */
export function createDataSource(url: string, opts: DataSourceOptions = {}): DataSource {
  const queryMs = opts.queryTimeoutMs ?? 30_000;
  const pulse: QueryPulse = { lastAnswerAt: 0 };
  const ds = new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName ?? 'quantum-chat',
    extra: {
      max: opts.poolSize ?? 20,
      connectionTimeoutMillis: opts.acquireTimeoutMs ?? 10_000,
      // Every query is answered within queryMs or its connection is dropped (bounded-client.ts);
      // the server then notices the dropped client within a second even mid-statement, and
      // ends the statement and its transaction, instead of only when it next writes to it.
      Client: boundedClientClass(queryMs, pulse),
      options: '-c client_connection_check_interval=1000',
    },
    // bigint columns come back as strings from pg; the adapters convert the few they read.
  });
  pulses.set(ds, pulse);
  return ds;
}

/** How long ago a query on this data source last came back (Infinity: never). */
export function msSinceLastAnswer(ds: DataSource): number {
  const at = pulses.get(ds)?.lastAnswerAt ?? 0;
  return at ? Date.now() - at : Infinity;
}

/** How the pg pool behind an initialised data source is used right now (for GET /health). */
export function poolUsage(ds: DataSource): DatabasePoolUsage {
  const pool = (ds.driver as PostgresDriver).master as Pool;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
}

/**
 * Closes the data source once the queries in flight have come back (within `graceMs`).
 * TypeORM's destroy hands every checked-out connection back to the pool at once, even one
 * whose query is still running; a query started meanwhile (a socket's disconnect handler
 * during shutdown) could then be given that busy connection, which pg warns about and
 * which mixes two callers' results on one connection.
 */
export async function closeDataSource(ds: DataSource, graceMs = 3000): Promise<void> {
  if (!ds.isInitialized) return;
  const until = Date.now() + graceMs;
  await new Promise((r) => setImmediate(r)); // handlers fired by the shutdown start their queries
  for (;;) {
    const pool = poolUsage(ds);
    if ((pool.total === pool.idle && pool.waiting === 0) || Date.now() > until) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await ds.destroy();
}

/** Any fixed number: the advisory lock that lets one node at a time migrate. */
const MIGRATION_LOCK = 7_314_159_265;

/**
 * Opens the data source and applies pending migrations; returns their names. Several
 * nodes starting together take turns under an advisory lock, so none of them trips over
 * another's half-applied schema. The migrations run on the connection holding the lock:
 * asking the pool for a second one while holding it would hang a pool of one.
 */
export async function openAndMigrate(ds: DataSource): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  const runner = ds.createQueryRunner();
  const client: unknown = await runner.connect();
  // A migration may run long (an index over a big table) and wait for another node's
  // migration: no query bound on this connection while it does.
  setQueryBound(client, Infinity);
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const executor = new MigrationExecutor(ds, runner);
      executor.transaction = 'each';
      const ran = await executor.executePendingMigrations();
      return ran.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    setQueryBound(client, undefined);
    await runner.release();
  }
}
