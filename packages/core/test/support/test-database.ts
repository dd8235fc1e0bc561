import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, openAndMigrate, type DataSourceOptions } from '../../src/adapters/postgres/data-source';
import { startEmbeddedPostgres } from '../../src/embedded/embedded-postgres';

export interface TestDatabase {
  url: string;
  ds: DataSource;
  stop(): Promise<void>;
}

/**
 * A real, migrated, empty PostgreSQL database for one test file ("medium" tests).
 * With TEST_DATABASE_URL set (a server you run, e.g. the machine's PostgreSQL) a fresh
 * database is created on it and dropped after; otherwise an embedded cluster is started
 * in a temp folder and removed after. `timeouts` as the api sets them (config.databaseTimeouts).
 */
export async function startTestDatabase(
  timeouts: Pick<DataSourceOptions, 'acquireTimeoutMs' | 'queryTimeoutMs'> = {},
): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (base) {
    const name = `qc_test_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    const ds = createDataSource(u.toString(), { poolSize: 10, ...timeouts });
    await openAndMigrate(ds);
    return {
      url: u.toString(),
      ds,
      async stop() {
        await ds.destroy();
        const c = new Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-test-pg-'));
  const pg = await startEmbeddedPostgres({ dataDir: dir, ephemeral: true });
  const ds = createDataSource(pg.url, { poolSize: 10, ...timeouts });
  await openAndMigrate(ds);
  return {
    url: pg.url,
    ds,
    async stop() {
      await ds.destroy();
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
