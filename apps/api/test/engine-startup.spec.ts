import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@qc/core/testing';
import { bootstrap } from '../src/main';

/*
 * An engine that is configured but not there stops start-up with a message that names its
 * setting and says what to do, and the embedded PostgreSQL the api started is stopped
 * again (a second start on the same data folder would otherwise find it locked).
 */
const baseEnv = async (dir: string) => ({
  QC_DATA_DIR: dir,
  PORT: String(await freePort()),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  WEB_DIR: path.join(dir, 'no-web'),
});

// The engines that are up for the rest of npm test, for the settings a broken one needs beside it.
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const esUrl = process.env.TEST_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

async function startWith(env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-engine-start-'));
  const base = await baseEnv(dir);
  try {
    const began = Date.now();
    const err = await bootstrap({ env: { ...base, ...env }, progress: () => undefined }).then(
      async (api) => {
        await api.close();
        return null;
      },
      (e: unknown) => e as Error,
    );
    return { err, ms: Date.now() - began };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: [string, (port: number) => Record<string, string>, RegExp][] = [
  ['REDIS_URL', (p) => ({ REDIS_URL: `redis://127.0.0.1:${p}` }), /REDIS_URL/],
  ['ELASTICSEARCH_URL', (p) => ({ ELASTICSEARCH_URL: `http://127.0.0.1:${p}` }), /npm run engines -- up elasticsearch.*ELASTICSEARCH_URL/],
  [
    'CASSANDRA_CONTACT_POINTS',
    (p) => ({ CASSANDRA_CONTACT_POINTS: `127.0.0.1:${p}`, ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_INDEX: 'test-unused' }),
    /npm run engines -- up cassandra.*CASSANDRA_CONTACT_POINTS/,
  ],
  ['KAFKA_BROKERS', (p) => ({ KAFKA_BROKERS: `127.0.0.1:${p}`, REDIS_URL: redisUrl }), /npm run engines -- up kafka.*KAFKA_BROKERS/],
  [
    'S3_ENDPOINT',
    (p) => ({ S3_ENDPOINT: `http://127.0.0.1:${p}`, S3_BUCKET: 'qc-unused', S3_ACCESS_KEY_ID: 'test', S3_SECRET_ACCESS_KEY: 'test' }),
    /npm run engines -- up s3mock.*S3_ENDPOINT/,
  ],
];

for (const [setting, envFor, hint] of cases) {
  test(`${setting} pointing at nothing stops start-up, naming it`, async () => {
    const { err, ms } = await startWith(envFor(await freePort()));
    assert.ok(err, 'start-up must fail');
    assert.match(err.message, hint);
    console.log(`# ${setting} unreachable: start-up gave up in ${ms} ms`);
    assert.ok(ms < 60_000, `gave up in ${ms} ms`);
  });
}

test('with the embedded database, a failed engine start leaves the data folder usable', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'qc-engine-restart-'));
  const env = await baseEnv(dir);
  try {
    const port = await freePort();
    await assert.rejects(
      bootstrap({ env: { ...env, ELASTICSEARCH_URL: `http://127.0.0.1:${port}` }, progress: () => undefined }),
      /ELASTICSEARCH_URL/,
    );
    const api = await bootstrap({ env, progress: () => undefined });
    await api.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
