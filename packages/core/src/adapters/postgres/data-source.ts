import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { DatabasePoolUsage } from '@qc/shared';
import { InitialSchema1732350000000 } from './migrations/1732350000000-initial-schema';
import { MessageKeys1763900000000 } from './migrations/1763900000000-message-keys';
import { MessageSearch1795430000000 } from './migrations/1795430000000-message-search';
import { MessageChanges1796000000000 } from './migrations/1796000000000-message-changes';
import { Receipts1796100000000 } from './migrations/1796100000000-receipts';

export const MIGRATIONS = [
  InitialSchema1732350000000,
  MessageKeys1763900000000,
  MessageSearch1795430000000,
  MessageChanges1796000000000,
  Receipts1796100000000,
];

/** One TypeORM data source over pg; the schema is owned by the migrations above. */
export function createDataSource(url: string, opts: { poolSize?: number; applicationName?: string } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName ?? 'quantum-chat',
    extra: { max: opts.poolSize ?? 20, connectionTimeoutMillis: 10_000 },
    // bigint columns come back as strings from pg; the adapters convert the few they read.
  });
}

/** How the pg pool behind an initialised data source is used right now (for GET /health). */
export function poolUsage(ds: DataSource): DatabasePoolUsage {
  const pool = (ds.driver as PostgresDriver).master as Pool;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max };
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
  await runner.connect();
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
    await runner.release();
  }
}
