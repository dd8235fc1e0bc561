import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { InitialSchema1732350000000 } from './migrations/1732350000000-initial-schema';

export const MIGRATIONS = [InitialSchema1732350000000];

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

/** Opens the data source and applies pending migrations; returns their names. */
export async function openAndMigrate(ds: DataSource): Promise<string[]> {
  if (!ds.isInitialized) await ds.initialize();
  const ran = await ds.runMigrations({ transaction: 'each' });
  return ran.map((m) => m.name);
}
