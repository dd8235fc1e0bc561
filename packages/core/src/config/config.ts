import { z } from 'zod';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CassandraSettings } from '../adapters/cassandra/cassandra-client';
import type { S3MediaSettings } from '../adapters/s3/s3-media-store.adapter';
import type { ThrottleSettings } from '../services/throttle.service';
import { LOG_CONSUMERS, type LogConsumerName } from '../ports/message-log.port';

/**
 * The one validated, typed configuration, built once from the environment at start-up.
 * A bad value stops start-up with a message naming the variable; an engine's settings
 * are required only when that engine is selected.
 */
const intFrom = (name: string, dflt: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${name} must be an integer from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: intFrom('PORT', 3000, 1, 65535),
  QC_DATA_DIR: z.string().min(1).default('.data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^postgres(ql)?:\/\//.test(v),
      'DATABASE_URL must start with postgres:// or postgresql://',
    ),
  REDIS_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^rediss?:\/\/[^/]/.test(v),
      'REDIS_URL must look like redis://host:6379 (or rediss:// for TLS)',
    ),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || v.split(',').every((b) => /^[\w.-]+:\d{1,5}$/.test(b.trim())),
      'KAFKA_BROKERS must be a comma-separated list of host:port',
    ),
  KAFKA_TOPIC: z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'KAFKA_TOPIC must be letters, digits, ".", "_" or "-"')
    .default('chat.messages'),
  KAFKA_TOPIC_PARTITIONS: intFrom('KAFKA_TOPIC_PARTITIONS', 12, 1, 10000),
  KAFKA_REPLICATION_FACTOR: intFrom('KAFKA_REPLICATION_FACTOR', 1, 1, 10),
  CASSANDRA_CONTACT_POINTS: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || v.split(',').every((b) => /^[\w.-]+(:\d{1,5})?$/.test(b.trim())),
      'CASSANDRA_CONTACT_POINTS must be a comma-separated list of host or host:port',
    ),
  CASSANDRA_KEYSPACE: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,47}$/, 'CASSANDRA_KEYSPACE must be lower-case letters, digits and _ (a CQL identifier)')
    .default('quantumchat'),
  CASSANDRA_LOCAL_DC: z.string().min(1).default('datacenter1'),
  CASSANDRA_CONSISTENCY: z.enum(['ONE', 'LOCAL_ONE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL']).default('LOCAL_QUORUM'),
  CASSANDRA_REPLICATION: z
    .string()
    .regex(/^\{[^;]*\}$/, "CASSANDRA_REPLICATION must be a CQL replication map like {'class': 'NetworkTopologyStrategy', 'dc1': 3}")
    .default("{'class': 'SimpleStrategy', 'replication_factor': 1}"),
  ELASTICSEARCH_URL: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^https?:\/\/[^/]+\/?$/.test(v),
      'ELASTICSEARCH_URL must look like http://host:9200 (or https://, with user:password@ if the cluster needs them)',
    ),
  ELASTICSEARCH_INDEX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,199}$/, 'ELASTICSEARCH_INDEX must be lower-case letters, digits, ".", "_" or "-" (an index name)')
    .default('chat-messages'),
  S3_ENDPOINT: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^https?:\/\/[^/]+\/?$/.test(v),
      'S3_ENDPOINT must look like http://host:9000 (an S3-compatible store; leave it unset for AWS S3 itself)',
    ),
  S3_BUCKET: z
    .string()
    .optional()
    .refine(
      (v) => v === undefined || v === '' || /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v),
      'S3_BUCKET must be a bucket name: 3 to 63 lower-case letters, digits, "." or "-"',
    ),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z
    .string()
    .regex(/^([a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*)?$/, 'S3_PREFIX must be lower-case letters, digits, "-", "_" and "/" (a key prefix)')
    .default(''),
  UPLOAD_MAX_BYTES: intFrom('UPLOAD_MAX_BYTES', 25 * 1024 * 1024, 1024, 5 * 1024 * 1024 * 1024),
  CASSANDRA_USERNAME: z.string().optional(),
  CASSANDRA_PASSWORD: z.string().optional(),
  EMBEDDED_PG_PORT: intFrom('EMBEDDED_PG_PORT', 0, 0, 65535),
  DATABASE_POOL_SIZE: intFrom('DATABASE_POOL_SIZE', 20, 1, 10000),
  DATABASE_ACQUIRE_TIMEOUT_MS: intFrom('DATABASE_ACQUIRE_TIMEOUT_MS', 2000, 100, 600000),
  DATABASE_QUERY_TIMEOUT_MS: intFrom('DATABASE_QUERY_TIMEOUT_MS', 3000, 100, 600000),
  JWT_SECRET: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 32, 'JWT_SECRET must be at least 32 characters'),
  ALLOWED_ORIGINS: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_MESSAGES_PER_SEC: intFrom('RATE_LIMIT_MESSAGES_PER_SEC', 10, 1, 100000),
  RATE_LIMIT_MESSAGES_BURST: intFrom('RATE_LIMIT_MESSAGES_BURST', 20, 1, 100000),
  LOGIN_FAILURES_PER_USERNAME: intFrom('LOGIN_FAILURES_PER_USERNAME', 5, 1, 1000),
  LOGIN_FAILURES_PER_ADDRESS: intFrom('LOGIN_FAILURES_PER_ADDRESS', 50, 1, 100000),
  LOGIN_FAILURE_WINDOW_SEC: intFrom('LOGIN_FAILURE_WINDOW_SEC', 900, 1, 86400),
  LOGIN_LOCK_SEC: intFrom('LOGIN_LOCK_SEC', 900, 1, 86400),
  LOGIN_FAILURE_DELAY_SEC: intFrom('LOGIN_FAILURE_DELAY_SEC', 1, 0, 3600),
  SIGNUPS_PER_ADDRESS: intFrom('SIGNUPS_PER_ADDRESS', 20, 1, 10000000),
  SIGNUP_WINDOW_SEC: intFrom('SIGNUP_WINDOW_SEC', 3600, 1, 86400),
  ROOMS_CREATED_PER_PERSON: intFrom('ROOMS_CREATED_PER_PERSON', 30, 1, 10000000),
  ROOM_CREATION_WINDOW_SEC: intFrom('ROOM_CREATION_WINDOW_SEC', 600, 1, 86400),
  UPLOADS_PER_PERSON: intFrom('UPLOADS_PER_PERSON', 200, 1, 10000000),
  UPLOAD_WINDOW_SEC: intFrom('UPLOAD_WINDOW_SEC', 3600, 1, 86400),
  SOCKETS_PER_PERSON: intFrom('SOCKETS_PER_PERSON', 20, 1, 100000),
  SEND_QUEUE_MAX_WAIT_MS: intFrom('SEND_QUEUE_MAX_WAIT_MS', 500, 50, 60000),
  SEND_QUEUE_PER_ROOM: intFrom('SEND_QUEUE_PER_ROOM', 1000, 1, 1000000),
  SEND_QUEUE_TOTAL: intFrom('SEND_QUEUE_TOTAL', 20000, 1, 10000000),
  GROUP_COMMIT_MAX: intFrom('GROUP_COMMIT_MAX', 256, 1, 10000),
  TYPING_BROADCAST_EVERY_MS: intFrom('TYPING_BROADCAST_EVERY_MS', 2000, 0, 2500),
  PRESENCE_BROADCAST_EVERY_MS: intFrom('PRESENCE_BROADCAST_EVERY_MS', 3000, 0, 60000),
  LARGE_ROOM_MEMBERS: intFrom('LARGE_ROOM_MEMBERS', 1000, 2, 100_000_000),
  ROOM_ACTIVITY_EVERY_MS: intFrom('ROOM_ACTIVITY_EVERY_MS', 3000, 0, 60000),
  ARGON2_MEMORY_KIB: intFrom('ARGON2_MEMORY_KIB', 19456, 19456, 4194304),
  ARGON2_TIME_COST: intFrom('ARGON2_TIME_COST', 2, 2, 20),
  WEB_DIR: z.string().optional(),
  SHUTDOWN_GRACE_MS: intFrom('SHUTDOWN_GRACE_MS', 5000, 0, 120000),
  WORKERS_CONSUMERS: z.string().optional(),
  VAPID_PUBLIC_KEY: z
    .string()
    .optional()
    .refine((v) => !v || /^[A-Za-z0-9_-]{87}$/.test(v), 'VAPID_PUBLIC_KEY must be a P-256 public key, 87 base64url characters (npx web-push generate-vapid-keys)'),
  VAPID_PRIVATE_KEY: z
    .string()
    .optional()
    .refine((v) => !v || /^[A-Za-z0-9_-]{43}$/.test(v), 'VAPID_PRIVATE_KEY must be a P-256 private key, 43 base64url characters (npx web-push generate-vapid-keys)'),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'VAPID_SUBJECT must be a mailto: address or an https:// URL where push services can reach the operator')
    .default('mailto:push@quantum-chat.localhost'),
  QC_ADMIN_USERNAMES: z
    .string()
    .optional()
    .refine(
      (v) => !v || v.split(',').every((u) => /^[a-zA-Z0-9_.-]{3,32}$/.test(u.trim())),
      'QC_ADMIN_USERNAMES must be usernames separated by commas (letters, digits, "_", "." and "-", 3 to 32 each)',
    ),
  PUSH_ALLOW_PRIVATE_ENDPOINTS: z.enum(['true', 'false', '1', '0', '']).optional(),
  PUSH_CA_FILE: z.string().optional(),
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 16, 'METRICS_TOKEN must be at least 16 characters (or unset: loopback only)'),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  database: { kind: 'embedded'; port: number } | { kind: 'external'; url: string };
  /**
   * Connections in this api node's PostgreSQL pool: one per room sending right now (it holds
   * the room's lock and commits on it), the rest for everything else. When requests wait for
   * one, GET /health says so.
   */
  databasePoolSize: number;
  /**
   * Fail fast when PostgreSQL stalls: how long a request waits for a pool connection, and
   * for one query's answer (then its connection is dropped, so the server rolls back what
   * it held). Past either, REST answers 503 UNAVAILABLE and sends are refused UNAVAILABLE
   * (the client retries with the same clientMsgId) instead of hanging until it returns.
   */
  databaseTimeouts: { acquireMs: number; queryMs: number };
  /** Presence, rate limits and socket fan-out across nodes; null = in this process's memory. */
  redisUrl: string | null;
  /** Message history in Cassandra/ScyllaDB; null = in PostgreSQL. */
  cassandra: CassandraSettings | null;
  /** The message log on Kafka (fan-out by apps/workers); null = in-process consumers. */
  kafka: { brokers: string[]; topic: string; partitions: number; replicationFactor: number } | null;
  /** Message search in Elasticsearch, fed by the `indexer` log consumer; null = PostgreSQL full-text search over the history. */
  elasticsearch: { url: string; index: string } | null;
  /**
   * Uploaded files and thumbnails: under the data folder (`<QC_DATA_DIR>/media`), or in an
   * S3-compatible bucket when S3_BUCKET is set (several api nodes must share one store).
   */
  media: { kind: 'disk'; dir: string } | ({ kind: 's3' } & S3MediaSettings);
  /** The largest upload taken; past it the upload is cut and refused. */
  uploadMaxBytes: number;
  /** Web Push: see PushSettings. */
  push: PushSettings;
  /**
   * Accounts made instance admins by the setting QC_ADMIN_USERNAMES (lower-case): at every
   * start if they exist, or as they sign up. Later admins and moderators are granted by an admin.
   */
  adminUsernames: string[];
  jwtSecret: string;
  allowedOrigins: string[];
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  rateLimit: { messagesPerSec: number; messagesBurst: number };
  argon2: { memoryKib: number; timeCost: number };
  /** Brute-force and flood limits: see ThrottleSettings. */
  throttle: ThrottleSettings;
  /** Open sockets one person may hold across every node; the newest past it is refused. */
  socketsPerPerson: number;
  /**
   * The rooms' commit queues (RoomCommitQueue): most sends per group commit, and the bounds
   * past which a send or change is refused OVERLOADED at once (retry after maxWaitMs)
   * instead of waiting: waiting per room, waiting in all, and the age of a room's oldest.
   */
  commitQueue: { maxBatch: number; perRoom: number; total: number; maxWaitMs: number };
  /**
   * Typing and presence broadcasts per person (per room, for typing) are at most one per
   * this many ms; a change inside it goes out at its end. Typing's plus the client's 2 s
   * renewal must stay under LIMITS.typingTtlMs (5 s), or indicators flicker off: at most 2.5 s.
   */
  typingBroadcastEveryMs: number;
  presenceBroadcastEveryMs: number;
  /**
   * Hybrid fan-out: a room of at least `largeRoomMembers` members is large. A large room's
   * messages and changes go live only to the sockets that have it open (`room:open`) and to
   * the author's; every other member's sockets get `room:activity { roomId, lastSeq }` at most
   * once per `activityEveryMs` per room (the last lastSeq always arrives), and fetch by
   * room:sync when they open it. Small rooms are pushed to every member's sockets.
   */
  hybridFanout: HybridFanoutSettings;
  /** Where the built web app lives; served at / when present. */
  webDir: string | null;
  shutdownGraceMs: number;
  /** The log consumers an apps/workers process runs; null = every one the profile needs. */
  workersConsumers: LogConsumerName[] | null;
  /**
   * A bearer token that lets a Prometheus on another host read GET /metrics; null = only
   * from this machine (loopback), as the metrics tell load and error rates to whoever reads them.
   */
  metricsToken: string | null;
}

export interface PushSettings {
  /**
   * The VAPID key pair pushes are signed with (VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, both or
   * neither); null = one generated once and kept in the database, so every api node and
   * worker signs with the same key (changing it orphans every device's subscription).
   */
  vapid: { publicKey: string; privateKey: string } | null;
  /** Who push services may contact about this server's pushes (the JWT's `sub`). */
  subject: string;
  /**
   * Whether a subscription may name a push service at a loopback or private address. Off:
   * only public addresses are pushed to, so a subscription cannot turn the server into a
   * client of the machines beside it. Tests turn it on for their push service on loopback.
   */
  allowPrivateEndpoints: boolean;
  /** Extra certificate authorities (PEM) trusted for push services' TLS; null = the system's. */
  caFile: string | null;
}

export interface HybridFanoutSettings {
  largeRoomMembers: number;
  activityEveryMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}\nFix the environment variable(s) named above and start again.`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(cwd, e.QC_DATA_DIR);
  const problems: string[] = [];

  const database: AppConfig['database'] = e.DATABASE_URL
    ? { kind: 'external', url: e.DATABASE_URL }
    : { kind: 'embedded', port: e.EMBEDDED_PG_PORT };

  let jwtSecret = e.JWT_SECRET ?? '';
  if (!jwtSecret) {
    if (database.kind === 'external') {
      // Several nodes share one database; each must sign with the same key.
      problems.push('JWT_SECRET: required when DATABASE_URL is set (every node must share it); use 32+ random characters');
    } else {
      jwtSecret = readOrCreateSecret(dataDir);
    }
  }

  const allowedOrigins = e.ALLOWED_ORIGINS
    ? e.ALLOWED_ORIGINS.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`];
  for (const o of allowedOrigins) {
    if (!/^https?:\/\/[^/]+$/.test(o))
      problems.push(`ALLOWED_ORIGINS: "${o}" is not an origin like http://host:port (no path, no trailing slash)`);
  }
  const kafka = e.KAFKA_BROKERS
    ? {
        brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
        topic: e.KAFKA_TOPIC,
        partitions: e.KAFKA_TOPIC_PARTITIONS,
        replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      }
    : null;
  if (kafka && !e.REDIS_URL) {
    problems.push("KAFKA_BROKERS: needs REDIS_URL too (apps/workers reach the api nodes' sockets through Redis)");
  }
  if (e.CASSANDRA_CONTACT_POINTS && !e.ELASTICSEARCH_URL) {
    // PostgreSQL full-text search reads the messages table, which stays empty once the history is in Cassandra.
    problems.push('CASSANDRA_CONTACT_POINTS: needs ELASTICSEARCH_URL too (with the history in Cassandra, search runs in Elasticsearch)');
  }
  let media: AppConfig['media'] = { kind: 'disk', dir: path.join(dataDir, 'media') };
  if (e.S3_BUCKET) {
    if (!e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY)
      problems.push('S3_BUCKET: needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY too (the store\'s credentials)');
    media = {
      kind: 's3',
      ...(e.S3_ENDPOINT ? { endpoint: e.S3_ENDPOINT.replace(/\/$/, '') } : {}),
      region: e.S3_REGION,
      bucket: e.S3_BUCKET,
      accessKeyId: e.S3_ACCESS_KEY_ID ?? '',
      secretAccessKey: e.S3_SECRET_ACCESS_KEY ?? '',
      prefix: e.S3_PREFIX,
    };
  } else if (e.S3_ENDPOINT) {
    problems.push('S3_ENDPOINT: needs S3_BUCKET too (which bucket to keep uploads in)');
  }
  const workersConsumers = e.WORKERS_CONSUMERS?.trim()
    ? e.WORKERS_CONSUMERS.split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : null;
  for (const name of workersConsumers ?? []) {
    if (!(LOG_CONSUMERS as readonly string[]).includes(name))
      problems.push(`WORKERS_CONSUMERS: "${name}" is not a consumer; name some of ${LOG_CONSUMERS.join(', ')}, separated by commas`);
  }
  if (!!e.VAPID_PUBLIC_KEY !== !!e.VAPID_PRIVATE_KEY) {
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both (one key pair) or neither (one is generated and kept in the database)');
  }
  const pushCaFile = e.PUSH_CA_FILE ? path.resolve(cwd, e.PUSH_CA_FILE) : null;
  if (pushCaFile && !existsSync(pushCaFile)) problems.push(`PUSH_CA_FILE: ${pushCaFile} does not exist (a PEM file of certificate authorities)`);
  if (problems.length) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    database,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databaseTimeouts: { acquireMs: e.DATABASE_ACQUIRE_TIMEOUT_MS, queryMs: e.DATABASE_QUERY_TIMEOUT_MS },
    redisUrl: e.REDIS_URL ? e.REDIS_URL : null,
    cassandra: e.CASSANDRA_CONTACT_POINTS
      ? {
          contactPoints: e.CASSANDRA_CONTACT_POINTS.split(',').map((c) => c.trim()),
          keyspace: e.CASSANDRA_KEYSPACE,
          localDataCenter: e.CASSANDRA_LOCAL_DC,
          consistency: e.CASSANDRA_CONSISTENCY,
          replication: e.CASSANDRA_REPLICATION,
          username: e.CASSANDRA_USERNAME || undefined,
          password: e.CASSANDRA_PASSWORD || undefined,
        }
      : null,
    kafka,
    elasticsearch: e.ELASTICSEARCH_URL ? { url: e.ELASTICSEARCH_URL, index: e.ELASTICSEARCH_INDEX } : null,
    media,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    push: {
      vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : null,
      subject: e.VAPID_SUBJECT,
      allowPrivateEndpoints: e.PUSH_ALLOW_PRIVATE_ENDPOINTS === 'true' || e.PUSH_ALLOW_PRIVATE_ENDPOINTS === '1',
      caFile: pushCaFile,
    },
    jwtSecret,
    adminUsernames: (e.QC_ADMIN_USERNAMES ?? '')
      .split(',')
      .map((u) => u.trim().toLowerCase())
      .filter(Boolean),
    allowedOrigins,
    logLevel: e.LOG_LEVEL,
    rateLimit: { messagesPerSec: e.RATE_LIMIT_MESSAGES_PER_SEC, messagesBurst: e.RATE_LIMIT_MESSAGES_BURST },
    argon2: { memoryKib: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST },
    throttle: {
      login: {
        failuresPerUsername: e.LOGIN_FAILURES_PER_USERNAME,
        failuresPerAddress: e.LOGIN_FAILURES_PER_ADDRESS,
        windowSec: e.LOGIN_FAILURE_WINDOW_SEC,
        lockSec: e.LOGIN_LOCK_SEC,
        delaySec: e.LOGIN_FAILURE_DELAY_SEC,
      },
      signUps: { perAddress: e.SIGNUPS_PER_ADDRESS, windowSec: e.SIGNUP_WINDOW_SEC },
      roomCreation: { perPerson: e.ROOMS_CREATED_PER_PERSON, windowSec: e.ROOM_CREATION_WINDOW_SEC },
      uploads: { perPerson: e.UPLOADS_PER_PERSON, windowSec: e.UPLOAD_WINDOW_SEC },
    },
    socketsPerPerson: e.SOCKETS_PER_PERSON,
    commitQueue: {
      maxBatch: e.GROUP_COMMIT_MAX,
      perRoom: e.SEND_QUEUE_PER_ROOM,
      total: e.SEND_QUEUE_TOTAL,
      maxWaitMs: e.SEND_QUEUE_MAX_WAIT_MS,
    },
    typingBroadcastEveryMs: e.TYPING_BROADCAST_EVERY_MS,
    presenceBroadcastEveryMs: e.PRESENCE_BROADCAST_EVERY_MS,
    hybridFanout: { largeRoomMembers: e.LARGE_ROOM_MEMBERS, activityEveryMs: e.ROOM_ACTIVITY_EVERY_MS },
    webDir: e.WEB_DIR ? path.resolve(cwd, e.WEB_DIR) : null,
    metricsToken: e.METRICS_TOKEN || null,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    workersConsumers: workersConsumers as LogConsumerName[] | null,
  };
}

/** The embedded profile keeps its signing key beside its data so sessions survive restarts. */
function readOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
