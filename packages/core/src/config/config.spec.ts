import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'qc-config-'));

test('defaults give the embedded profile on port 3000 with a persisted secret', () => {
  const dir = tmp();
  const c = loadConfig({ QC_DATA_DIR: dir });
  assert.equal(c.port, 3000);
  assert.deepEqual(c.database, { kind: 'embedded', port: 0 });
  assert.equal(c.jwtSecret, readFileSync(path.join(dir, 'jwt-secret'), 'utf8').trim());
  assert.equal(loadConfig({ QC_DATA_DIR: dir }).jwtSecret, c.jwtSecret, 'a restart keeps the signing key');
  assert.deepEqual(c.allowedOrigins, ['http://localhost:3000', 'http://127.0.0.1:3000']);
});

test('a bad setting stops start-up with a message naming it', () => {
  assert.throws(
    () => loadConfig({ QC_DATA_DIR: tmp(), PORT: 'eighty' }),
    (e: unknown) => e instanceof ConfigError && /PORT/.test(e.message),
  );
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), ALLOWED_ORIGINS: 'http://ok:1,not an origin' }), /ALLOWED_ORIGINS/);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), ARGON2_MEMORY_KIB: '1024' }), /ARGON2_MEMORY_KIB/);
});

test('DATABASE_POOL_SIZE sets the pool, 20 by default; a pool of none or a non-number is refused by name', () => {
  assert.equal(loadConfig({ QC_DATA_DIR: tmp() }).databasePoolSize, 20);
  assert.equal(loadConfig({ QC_DATA_DIR: tmp(), DATABASE_POOL_SIZE: '50' }).databasePoolSize, 50);
  for (const bad of ['0', '-3', '2.5', 'many']) {
    assert.throws(
      () => loadConfig({ QC_DATA_DIR: tmp(), DATABASE_POOL_SIZE: bad }),
      /DATABASE_POOL_SIZE must be an integer from 1 to 10000/,
    );
  }
});

test('an external database needs a shared JWT secret', () => {
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'postgres://h/db' }), /JWT_SECRET/);
  const c = loadConfig({ QC_DATA_DIR: tmp(), DATABASE_URL: 'postgres://h/db', JWT_SECRET: 'x'.repeat(32) });
  assert.deepEqual(c.database, { kind: 'external', url: 'postgres://h/db' });
});

test('each engine is optional and selected by its own variable', () => {
  const none = loadConfig({ QC_DATA_DIR: tmp() });
  assert.equal(none.redisUrl, null);
  assert.equal(none.kafka, null);
  assert.equal(none.cassandra, null);
  assert.equal(none.elasticsearch, null);
  const all = loadConfig({
    QC_DATA_DIR: tmp(),
    REDIS_URL: 'redis://127.0.0.1:6379',
    KAFKA_BROKERS: 'k1:9092, k2:9092',
    CASSANDRA_CONTACT_POINTS: 'c1,c2:9043',
    ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
  });
  assert.equal(all.redisUrl, 'redis://127.0.0.1:6379');
  assert.deepEqual(all.kafka?.brokers, ['k1:9092', 'k2:9092']);
  assert.deepEqual(all.cassandra?.contactPoints, ['c1', 'c2:9043']);
  assert.equal(all.cassandra?.consistency, 'LOCAL_QUORUM');
  assert.deepEqual(all.elasticsearch, { url: 'http://127.0.0.1:9200', index: 'chat-messages' });
  const esOnly = loadConfig({ QC_DATA_DIR: tmp(), ELASTICSEARCH_URL: 'https://u:p@es.example:9243', ELASTICSEARCH_INDEX: 'qc-prod' });
  assert.deepEqual(esOnly.elasticsearch, { url: 'https://u:p@es.example:9243', index: 'qc-prod' });
});

test('an engine setting that is present but wrong names itself', () => {
  const bad: Record<string, string>[] = [
    { REDIS_URL: 'localhost:6379' },
    { KAFKA_BROKERS: 'kafka', REDIS_URL: 'redis://r' },
    { CASSANDRA_CONTACT_POINTS: 'c1;c2', ELASTICSEARCH_URL: 'http://e:9200' },
    { CASSANDRA_CONSISTENCY: 'MOST' },
    { ELASTICSEARCH_URL: 'es:9200' },
    { ELASTICSEARCH_URL: 'http://e:9200/some/path' },
    { ELASTICSEARCH_INDEX: 'Chat Messages' },
  ];
  for (const env of bad) {
    const name = Object.keys(env).find(
      (k) => !(k === 'REDIS_URL' && 'KAFKA_BROKERS' in env) && !(k === 'ELASTICSEARCH_URL' && 'CASSANDRA_CONTACT_POINTS' in env),
    )!;
    assert.throws(
      () => loadConfig({ QC_DATA_DIR: tmp(), ...env }),
      (e: unknown) => e instanceof ConfigError && e.message.includes(name),
      `${JSON.stringify(env)} should name ${name}`,
    );
  }
});

test('engines that only work together say which one is missing', () => {
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), KAFKA_BROKERS: 'k:9092' }), /KAFKA_BROKERS: needs REDIS_URL/);
  assert.throws(
    () => loadConfig({ QC_DATA_DIR: tmp(), CASSANDRA_CONTACT_POINTS: '127.0.0.1' }),
    /CASSANDRA_CONTACT_POINTS: needs ELASTICSEARCH_URL/,
  );
});

test('WORKERS_CONSUMERS picks consumers by name; an unknown one is named, with the choices', () => {
  assert.equal(loadConfig({ QC_DATA_DIR: tmp() }).workersConsumers, null, 'unset: every consumer the profile needs');
  assert.deepEqual(loadConfig({ QC_DATA_DIR: tmp(), WORKERS_CONSUMERS: ' fanout, notify ' }).workersConsumers, ['fanout', 'notify']);
  assert.throws(
    () => loadConfig({ QC_DATA_DIR: tmp(), WORKERS_CONSUMERS: 'fanout,fan-out' }),
    /WORKERS_CONSUMERS: "fan-out" is not a consumer; name some of fanout, notify, history, indexer/,
  );
});

test('abuse limits: sane defaults, each settable, and a bad one refused by name', () => {
  const c = loadConfig({ QC_DATA_DIR: tmp() });
  assert.deepEqual(c.throttle, {
    login: { failuresPerUsername: 5, failuresPerAddress: 50, windowSec: 900, lockSec: 900, delaySec: 1 },
    signUps: { perAddress: 20, windowSec: 3600 },
    roomCreation: { perPerson: 30, windowSec: 600 },
    uploads: { perPerson: 200, windowSec: 3600 },
  });
  assert.deepEqual(loadConfig({ QC_DATA_DIR: tmp(), UPLOADS_PER_PERSON: '5', UPLOAD_WINDOW_SEC: '60' }).throttle.uploads, { perPerson: 5, windowSec: 60 });
  assert.equal(c.socketsPerPerson, 20);
  assert.equal(c.typingBroadcastEveryMs, 2000);
  assert.equal(c.presenceBroadcastEveryMs, 3000);
  const set = loadConfig({ QC_DATA_DIR: tmp(), SIGNUPS_PER_ADDRESS: '1000', SOCKETS_PER_PERSON: '3', LOGIN_FAILURE_DELAY_SEC: '0' });
  assert.equal(set.throttle.signUps.perAddress, 1000);
  assert.equal(set.socketsPerPerson, 3);
  assert.equal(set.throttle.login.delaySec, 0);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), SOCKETS_PER_PERSON: '0' }), /SOCKETS_PER_PERSON must be an integer from 1/);
  // Longer, and renewals every 2 s could no longer keep a 5 s typing indicator up.
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), TYPING_BROADCAST_EVERY_MS: '4000' }), /TYPING_BROADCAST_EVERY_MS/);
});

test('hybrid fan-out: large from 1,000 members with room:activity every 3 s by default; each settable; a bad one refused by name', () => {
  assert.deepEqual(loadConfig({ QC_DATA_DIR: tmp() }).hybridFanout, { largeRoomMembers: 1000, activityEveryMs: 3000 });
  assert.deepEqual(loadConfig({ QC_DATA_DIR: tmp(), LARGE_ROOM_MEMBERS: '3', ROOM_ACTIVITY_EVERY_MS: '500' }).hybridFanout, {
    largeRoomMembers: 3,
    activityEveryMs: 500,
  });
  // A room of one has nobody to leave out: the smallest large room has two members.
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), LARGE_ROOM_MEMBERS: '1' }), /LARGE_ROOM_MEMBERS must be an integer from 2/);
  assert.throws(() => loadConfig({ QC_DATA_DIR: tmp(), ROOM_ACTIVITY_EVERY_MS: '-1' }), /ROOM_ACTIVITY_EVERY_MS/);
});

test('media: on disk under the data folder by default; S3 when S3_BUCKET is set, with its credentials', () => {
  const dir = tmp();
  const c = loadConfig({ QC_DATA_DIR: dir });
  assert.deepEqual(c.media, { kind: 'disk', dir: path.join(dir, 'media') });
  assert.equal(c.uploadMaxBytes, 25 * 1024 * 1024);
  const s3 = loadConfig({
    QC_DATA_DIR: dir,
    S3_ENDPOINT: 'http://127.0.0.1:9000/',
    S3_BUCKET: 'chat-media',
    S3_ACCESS_KEY_ID: 'key',
    S3_SECRET_ACCESS_KEY: 'secret',
    S3_PREFIX: 'prod/eu',
    UPLOAD_MAX_BYTES: '1048576',
  });
  assert.deepEqual(s3.media, {
    kind: 's3',
    endpoint: 'http://127.0.0.1:9000',
    region: 'us-east-1',
    bucket: 'chat-media',
    accessKeyId: 'key',
    secretAccessKey: 'secret',
    prefix: 'prod/eu',
  });
  assert.equal(s3.uploadMaxBytes, 1048576);
  // AWS S3 itself: no endpoint.
  const aws = loadConfig({ QC_DATA_DIR: dir, S3_BUCKET: 'chat-media', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', S3_REGION: 'eu-west-1' });
  assert.equal(aws.media.kind, 's3');
  assert.equal(aws.media.kind === 's3' ? aws.media.endpoint : 'not s3', undefined);
  assert.equal(aws.media.kind === 's3' ? aws.media.region : '', 'eu-west-1');
});

test('media settings that are wrong or missing a partner name themselves', () => {
  const dir = tmp();
  const refused = (env: Record<string, string>, named: RegExp) =>
    assert.throws(() => loadConfig({ QC_DATA_DIR: dir, ...env }), (e: unknown) => e instanceof ConfigError && named.test(e.message), JSON.stringify(env));
  refused({ S3_BUCKET: 'chat-media' }, /S3_BUCKET: needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY/);
  refused({ S3_ENDPOINT: 'http://127.0.0.1:9000' }, /S3_ENDPOINT: needs S3_BUCKET/);
  refused({ S3_ENDPOINT: 'ftp://somewhere' }, /S3_ENDPOINT must look like/);
  refused({ S3_BUCKET: 'Not_A_Bucket', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' }, /S3_BUCKET must be a bucket name/);
  refused({ S3_PREFIX: '../up' }, /S3_PREFIX must be/);
  refused({ UPLOAD_MAX_BYTES: '12' }, /UPLOAD_MAX_BYTES must be an integer from 1024/);
});
