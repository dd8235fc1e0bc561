import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InProcessMessageLog } from '../../src/adapters/memory/in-process-message-log.adapter';
import { InProcessRoomSequencer } from '../../src/adapters/memory/in-process-room-sequencer.adapter';
import { MemoryPresenceStore } from '../../src/adapters/memory/memory-presence.adapter';
import { MemoryRateLimiter } from '../../src/adapters/memory/memory-rate-limiter.adapter';
import { MemoryTypingStore } from '../../src/adapters/memory/memory-typing.adapter';
import { PostgresMessageStore } from '../../src/adapters/postgres/postgres-message-store.adapter';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { PostgresRoomSequencer } from '../../src/adapters/postgres/postgres-room-sequencer.adapter';
import { RedisPresenceStore } from '../../src/adapters/redis/redis-presence.adapter';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter.adapter';
import { RedisTypingStore, TYPING_SCHEDULE_TTL_MS } from '../../src/adapters/redis/redis-typing.adapter';
import { createDataSource } from '../../src/adapters/postgres/data-source';
import { managerFor } from '../../src/adapters/postgres/pg-scope';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestDatabase } from '../support/test-database';
import { messageLogContract } from './message-log.contract';
import { messageStoreContract } from './message-store.contract';
import { presenceStoreContract } from './presence-store.contract';
import { rateLimiterContract } from './rate-limiter.contract';
import { attemptLimiterContract } from './attempt-limiter.contract';
import { MemoryAttemptLimiter } from '../../src/adapters/memory/memory-attempt-limiter.adapter';
import { RedisAttemptLimiter } from '../../src/adapters/redis/redis-attempt-limiter.adapter';
import { roomSequencerContract } from './room-sequencer.contract';
import { roomEventsContract } from './room-events.contract';
import { InProcessRoomEvents } from '../../src/adapters/memory/in-process-room-events.adapter';
import { RedisRoomEvents } from '../../src/adapters/redis/redis-room-events.adapter';
import { startTestRedis } from '../support/test-redis';
import { repeatCounterContract } from './repeat-counter.contract';
import { MemoryRepeatCounter } from '../../src/adapters/memory/memory-repeat-counter.adapter';
import { RedisRepeatCounter } from '../../src/adapters/redis/redis-repeat-counter.adapter';
import { typingStoreContract } from './typing-store.contract';
import { createGroupRoom } from '../support/fixtures';

/*
 * One suite per port, run against every adapter of it, each on its real engine:
 * memory adapters in process, PostgreSQL (embedded, or TEST_DATABASE_URL), Redis
 * (TEST_REDIS_URL or the machine's service on 127.0.0.1:6379).
 */

presenceStoreContract('memory', async () => ({ store: new MemoryPresenceStore(), close: async () => undefined }));
presenceStoreContract('redis', async () => {
  const r = await startTestRedis();
  return { store: new RedisPresenceStore(r.redis, r.prefix), close: r.stop };
});

typingStoreContract('memory', async () => {
  const one = new MemoryTypingStore();
  return { a: one, b: one, close: async () => undefined };
});
typingStoreContract('redis (two nodes)', async () => {
  const r = await startTestRedis();
  // The second "node" has its own connection, as another process would.
  const other = r.redis.duplicate();
  return {
    a: new RedisTypingStore(r.redis, r.prefix),
    b: new RedisTypingStore(other, r.prefix),
    close: async () => {
      other.disconnect();
      await r.stop();
    },
  };
});

test('Redis typing: every key expires by itself, the schedule an hour after the last mark', async () => {
  const r = await startTestRedis();
  try {
    const store = new RedisTypingStore(r.redis, r.prefix);
    const roomId = uuidv7();
    await store.start({ roomId, userId: uuidv7() }, 5_000);
    const keys = await r.redis.keys(`${r.prefix}{typing}:*`);
    assert.equal(keys.length, 2, keys.join(', '));
    for (const key of keys) {
      const ttl = await r.redis.pttl(key);
      const most = key.endsWith(':due') ? TYPING_SCHEDULE_TTL_MS : 5_000;
      assert.ok(ttl > 0 && ttl <= most, `${key}: PTTL ${ttl} ms, expected 1 to ${most}`);
    }
  } finally {
    await r.stop();
  }
});

rateLimiterContract('memory', async () => ({ limiter: new MemoryRateLimiter(), close: async () => undefined }));
rateLimiterContract('redis', async () => {
  const r = await startTestRedis();
  return {
    limiter: new RedisRateLimiter(r.redis, r.prefix, (err) => {
      throw err;
    }),
    close: r.stop,
  };
});

attemptLimiterContract('memory', async () => {
  const one = new MemoryAttemptLimiter();
  return { a: one, b: one, close: async () => undefined };
});
attemptLimiterContract('redis (two nodes)', async () => {
  const r = await startTestRedis();
  const other = r.redis.duplicate();
  // The limiter answers from its insurance until its client is ready: connect it first, as start-up does.
  await other.ping();
  return {
    a: new RedisAttemptLimiter(r.redis, r.prefix),
    b: new RedisAttemptLimiter(other, r.prefix),
    close: async () => {
      other.disconnect();
      await r.stop();
    },
  };
});

repeatCounterContract('memory', async () => {
  const one = new MemoryRepeatCounter();
  return { a: one, b: one, close: async () => undefined };
});
repeatCounterContract('redis (two nodes)', async () => {
  const r = await startTestRedis();
  const other = r.redis.duplicate();
  const fail = (err: unknown) => {
    throw err;
  };
  return {
    a: new RedisRepeatCounter(r.redis, r.prefix, fail),
    b: new RedisRepeatCounter(other, r.prefix, fail),
    close: async () => {
      other.disconnect();
      await r.stop();
    },
  };
});

roomEventsContract('in-process', async () => {
  const one = new InProcessRoomEvents();
  return { a: one, b: one, close: () => one.close() };
});
roomEventsContract('redis (two nodes)', async () => {
  const r = await startTestRedis();
  // Each node publishes on a connection of its own and subscribes on another, as api nodes do.
  const channel = `${r.prefix}room-changed`;
  const pubB = r.redis.duplicate();
  const a = new RedisRoomEvents(r.redis, r.redis.duplicate(), channel);
  const b = new RedisRoomEvents(pubB, r.redis.duplicate(), channel);
  await Promise.all([a.ready(), b.ready()]);
  return {
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      pubB.disconnect();
      await r.stop();
    },
  };
});

roomSequencerContract('in-process', async () => {
  const one = new InProcessRoomSequencer();
  return { a: one, b: one, scope: null, close: async () => undefined };
});
roomSequencerContract('postgres advisory locks (two nodes)', async () => {
  const db = await startTestDatabase();
  // Each "node" has its own pool, as another process would; the first a small one, so
  // its busy rooms outnumber its connections.
  const small = createDataSource(db.url, { poolSize: 2 });
  const other = createDataSource(db.url, { poolSize: 5 });
  await small.initialize();
  await other.initialize();
  return {
    a: new PostgresRoomSequencer(small),
    b: new PostgresRoomSequencer(other),
    scope: { use: async (scope) => void (await managerFor(small, scope).query('SELECT 1')), connections: 2 },
    close: async () => {
      await small.destroy();
      await other.destroy();
      await db.stop();
    },
  };
});

messageStoreContract('postgres', async () => {
  const db = await startTestDatabase();
  const meta = new PostgresMetadataStore(db.ds);
  const sender = uuidv7();
  await meta.createUser({ id: sender, username: `sender${Date.now()}`, displayName: 'Sender', passwordHash: 'x' });
  const other = uuidv7();
  await meta.createUser({ id: other, username: `sendero${Date.now()}`, displayName: 'Other', passwordHash: 'x' });
  // The store and its sequencer share a small pool, as on an api node (rooms are made on the test's own).
  const node = createDataSource(db.url, { poolSize: 2 });
  await node.initialize();
  return {
    store: new PostgresMessageStore(node),
    scoped: { sequencer: new PostgresRoomSequencer(node), connections: 2 },
    sender,
    other,
    newRoom: (withOther = false) => createGroupRoom(meta, sender, withOther ? [other] : [], 'contract'),
    close: async () => {
      await node.destroy();
      await db.stop();
    },
  };
});

messageLogContract('in-process', async () => {
  const log = new InProcessMessageLog((consumer, err) => {
    throw new Error(`consumer ${consumer} failed: ${String(err)}`);
  });
  return { log, close: () => log.close() };
});
