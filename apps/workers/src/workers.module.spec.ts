import { test } from 'node:test';
import assert from 'node:assert/strict';
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { HistoryWriter, SearchIndex } from '@qc/core';
import { InProcessMessageLog, RecordingBroadcaster } from '@qc/core/testing';
import type { Message } from '@qc/shared';
import { WorkersModule } from './workers.module';
import { describeWorkersMode } from './main';

const message: Message = {
  id: '01a20792-8333-7000-85fe-754887c65753',
  roomId: '01a20792-8333-7000-85fe-754887c65754',
  seq: 1,
  senderId: '01a20792-8333-7000-85fe-754887c65755',
  clientMsgId: 'c1',
  content: 'hi',
  contentType: 'text',
  replyTo: null,
  createdAt: new Date().toISOString(),
};

test('the workers context subscribes the fan-out consumer to the message log', async () => {
  const log = new InProcessMessageLog(() => assert.fail('a consumer failed'));
  const broadcaster = new RecordingBroadcaster();
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, broadcaster), { logger: false });
  await log.publish({ type: 'message.created', message });
  assert.deepEqual(
    broadcaster.of('message:new').map((e) => [e.to.room, (e.payload as Message).id]),
    [[message.roomId, message.id]],
  );
  await ctx.close();
});

test('given a search index to feed, the context subscribes the indexer too', async () => {
  const log = new InProcessMessageLog(() => assert.fail('a consumer failed'));
  // Only the wiring is under test here; the adapters meet Elasticsearch in their contract suite.
  const indexed: Message[] = [];
  const searchIndex: SearchIndex = {
    apply: async (changes) => void indexed.push(...changes.map((c) => c.message)),
    search: async () => [],
    deleteRoom: async () => undefined,
  };
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, new RecordingBroadcaster(), { searchIndex }), {
    logger: false,
  });
  await log.publish({ type: 'message.created', message });
  assert.deepEqual(
    indexed.map((m) => m.id),
    [message.id],
  );
  await ctx.close();
});

test('given a history that trails the log, the context subscribes the history writer', async () => {
  const log = new InProcessMessageLog(() => assert.fail('a consumer failed'));
  // The wiring only; CassandraMessageStore.storeLogged meets Cassandra in its own spec.
  const written: Message[] = [];
  const history: HistoryWriter = { storeLogged: async (run) => (written.push(...run), run.length) };
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, new RecordingBroadcaster(), { history }), {
    logger: false,
  });
  await log.publish({ type: 'message.created', message });
  assert.deepEqual(
    written.map((m) => m.id),
    [message.id],
  );
  await ctx.close();
});

test('without a shared log the workers process explains that the api runs the consumers', () => {
  assert.equal(describeWorkersMode({ kafka: null, elasticsearch: null, cassandra: null, workersConsumers: null }).runsHere, false);
  assert.match(describeWorkersMode({ kafka: null, elasticsearch: null, cassandra: null, workersConsumers: null }).reason, /in-process/);
  assert.equal(
    describeWorkersMode({
      kafka: {
        brokers: ['127.0.0.1:9092'],
        topic: 'chat.messages',
        partitions: 1,
        replicationFactor: 1,
      },
      elasticsearch: null,
      cassandra: null,
      workersConsumers: null,
    }).runsHere,
    true,
  );
});

test('WORKERS_CONSUMERS: a process runs only the consumers it names, and says which', async () => {
  const log = new InProcessMessageLog(() => assert.fail('a consumer failed'));
  const broadcaster = new RecordingBroadcaster();
  const written: Message[] = [];
  const indexed: Message[] = [];
  const deps = {
    history: { storeLogged: async (run) => (written.push(...run), run.length) } satisfies HistoryWriter,
    searchIndex: {
      apply: async (changes) => void indexed.push(...changes.map((c) => c.message)),
      search: async () => [],
      deleteRoom: async () => undefined,
    } satisfies SearchIndex,
    only: ['history'] as const,
  };
  const ctx = await NestFactory.createApplicationContext(WorkersModule.register(log, broadcaster, deps), { logger: false });
  await log.publish({ type: 'message.created', message });
  assert.deepEqual(
    written.map((m) => m.id),
    [message.id],
    'the named consumer ran',
  );
  assert.deepEqual(broadcaster.of('message:new'), [], 'fan-out is left to another process');
  assert.deepEqual(indexed, [], 'so is the indexer');
  await ctx.close();

  const kafka = {
    brokers: ['127.0.0.1:9092'],
    topic: 'chat.messages',
    partitions: 1,
    replicationFactor: 1,
  };
  const cassandra = {
    contactPoints: ['c1'],
    keyspace: 'qc',
    localDataCenter: 'dc1',
    consistency: 'LOCAL_QUORUM' as const,
    replication: '{}',
  };
  const elasticsearch = { url: 'http://e:9200', index: 'chat-messages' };
  const all = describeWorkersMode({ kafka, cassandra, elasticsearch, workersConsumers: null });
  assert.match(
    all.reason,
    /fan-out, notify by Web Push, history into Cassandra keyspace qc, index into Elasticsearch chat-messages/,
  );
  const some = describeWorkersMode({ kafka, cassandra, elasticsearch, workersConsumers: ['fanout', 'indexer'] });
  assert.equal(some.runsHere, true);
  assert.match(some.reason, /\(fan-out, index into Elasticsearch chat-messages\)$/);
  // Named, but this profile has no Elasticsearch to index into: nothing to do is a mistake worth stopping on.
  const none = describeWorkersMode({ kafka, cassandra: null, elasticsearch: null, workersConsumers: ['indexer'] });
  assert.equal(none.runsHere, false);
  assert.match(none.reason, /WORKERS_CONSUMERS=indexer names nothing this profile needs/);
});
