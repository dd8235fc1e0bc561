import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/config';
import { createAdapters, createCoreServices, registerLogConsumers, type CoreServices } from '../../src/composition';
import { RecordingBroadcaster } from './recording-broadcaster';
import { startTestDatabase, type TestDatabase } from './test-database';

export interface TestCore {
  db: TestDatabase;
  core: CoreServices;
  /** What the services and the in-process log's consumers emitted. */
  broadcaster: RecordingBroadcaster;
  /** A new account (through sign-up, as a person makes one); its user id. */
  user(name: string): Promise<string>;
  stop(): Promise<void>;
}

const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

/**
 * The real core services, composed as the api composes them, on a throwaway PostgreSQL,
 * with a broadcaster that records and the log's consumers running inline. A generous send
 * budget and queue bound, unless `env` says otherwise: medium specs test behaviour, not limits.
 */
export async function startTestCore(env: Record<string, string> = {}): Promise<TestCore> {
  const config = loadConfig({
    QC_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qc-med-')),
    RATE_LIMIT_MESSAGES_PER_SEC: '1000',
    RATE_LIMIT_MESSAGES_BURST: '1000',
    // Nor overload shedding (a room's queue refusing once its oldest send waited 1 s), which
    // a slow machine would reach in the bursts some specs send: group-commit.medium tests it.
    SEND_QUEUE_MAX_WAIT_MS: '60000',
    ...env,
  });
  const db = await startTestDatabase({
    acquireTimeoutMs: config.databaseTimeouts.acquireMs,
    queryTimeoutMs: config.databaseTimeouts.queryMs,
  });
  const broadcaster = new RecordingBroadcaster();
  const core = createCoreServices(config, await createAdapters(config, db.ds, silent), broadcaster);
  registerLogConsumers(core.messageLog, broadcaster);
  return {
    db,
    core,
    broadcaster,
    async user(name) {
      const s = await core.auth.register({ username: `${name}${Math.floor(Math.random() * 1e9)}`, password: 'correct horse battery' });
      return s.user.id;
    },
    async stop() {
      core.receipts.close();
      await db.stop();
    },
  };
}
