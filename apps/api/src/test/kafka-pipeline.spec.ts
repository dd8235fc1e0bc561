import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { io } from 'socket.io-client';
import type { AuthResponse, Message, MyRoom, TypingEvent } from '@qc/shared';
import type { OfflineNotification } from '@qc/core';
import { call, sleep, waitFor, type ClientSocket } from './harness';
import { ApiNode, startSharedEngines } from './node-cluster';

/*
 * The whole distributed profile: two api nodes keep history in Cassandra (seq and keys in
 * PostgreSQL) and publish to Kafka (chat.messages keyed by room, acks=all); one
 * apps/workers process consumes it and fans out through the Redis emitter. Real Kafka and
 * Cassandra (`npm run engines -- up kafka cassandra`, or TEST_KAFKA_BROKERS /
 * TEST_CASSANDRA_CONTACT_POINTS), a private redis-server, embedded PostgreSQL. The
 * workers process is SIGKILLed mid-stream.
 */
const brokers = process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092';
const cassandra = process.env.TEST_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042';

let engines: Awaited<ReturnType<typeof startSharedEngines>>;
let env: Record<string, string>;
let nodeA: ApiNode;
let nodeB: ApiNode;
let workers: ApiNode;
const sockets: ClientSocket[] = [];

before(async () => {
  engines = await startSharedEngines();
  const run = randomBytes(4).toString('hex');
  env = {
    ...engines.env,
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC: `test.chat.${run}`,
    KAFKA_NOTIFICATIONS_TOPIC: `test.notify.${run}`,
    CASSANDRA_CONTACT_POINTS: cassandra,
    CASSANDRA_KEYSPACE: `qc_pipeline_${run}`,
    KAFKA_TOPIC_PARTITIONS: '4',
    RATE_LIMIT_MESSAGES_PER_SEC: '1000',
    RATE_LIMIT_MESSAGES_BURST: '1000',
  };
  [nodeA, nodeB] = await Promise.all([ApiNode.start('api-a', env), ApiNode.start('api-b', env)]);
  workers = await ApiNode.startWorkers('workers-1', env);
});
after(async () => {
  for (const s of sockets) s.disconnect();
  await Promise.all([nodeA?.kill('SIGTERM'), nodeB?.kill('SIGTERM'), workers?.kill('SIGTERM')]);
  await engines?.stop();
  if (env?.CASSANDRA_KEYSPACE) {
    const cql = new Client({ contactPoints: cassandra.split(','), localDataCenter: 'datacenter1' });
    await cql.connect();
    await cql.execute(`DROP KEYSPACE IF EXISTS ${env.CASSANDRA_KEYSPACE}`);
    await cql.shutdown();
  }
});

let counter = 0;
async function register(node: ApiNode, name: string): Promise<AuthResponse> {
  const res = await fetch(`${node.base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      username: `${name}${process.pid}${++counter}`.slice(0, 32),
      password: 'correct horse battery',
      displayName: name,
    }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as AuthResponse;
}

async function group(node: ApiNode, owner: AuthResponse, members: AuthResponse[]): Promise<MyRoom> {
  const res = await fetch(`${node.base}/api/v1/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.accessToken}` },
    body: JSON.stringify({ kind: 'group', name: 'pipeline', memberIds: members.map((m) => m.user.id) }),
  });
  return (await res.json()) as MyRoom;
}

function connect(node: ApiNode, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(node.base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function collect(socket: ClientSocket, roomId: string): Message[] {
  const got: Message[] = [];
  socket.on('message:new', (m) => m.roomId === roomId && got.push(m));
  return got;
}

async function until(pred: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(25);
  }
}

describe('Kafka pipeline with apps/workers', () => {
  test('three people on two nodes: concurrent sends arrive through Kafka in one gap-free order everywhere', async () => {
    const [u1, u2, u3] = await Promise.all([register(nodeA, 'kay'), register(nodeB, 'lee'), register(nodeA, 'max')]);
    const room = await group(nodeA, u1, [u2, u3]);
    const clients = await Promise.all([connect(nodeA, u1.accessToken), connect(nodeB, u2.accessToken), connect(nodeB, u3.accessToken)]);
    const seen = clients.map((c) => collect(c, room.id));
    const acks = await Promise.all(
      clients.flatMap((c, u) =>
        Array.from({ length: 15 }, (_, i) => call(c, 'message:send', { roomId: room.id, clientMsgId: `p${u}-${i}`, content: `${u}/${i}` })),
      ),
    );
    assert.ok(
      acks.every((a) => a.ok),
      JSON.stringify(acks.find((a) => !a.ok)),
    );
    await until(() => seen.every((s) => s.length >= 45), 30_000, 'all 45 messages at every client');
    for (const s of seen)
      assert.deepEqual(
        s.map((m) => m.seq),
        Array.from({ length: 45 }, (_, i) => i + 1),
      );
    // Typing still crosses nodes directly (volatile, not through the log).
    const typing = waitFor<TypingEvent>(clients[1]!, 'typing', (e) => e.roomId === room.id && e.isTyping);
    await call(clients[0]!, 'typing', { roomId: room.id, isTyping: true });
    assert.equal((await typing).userId, u1.user.id);
  });

  test('members who are offline get one notification per message on chat.notifications; online ones and the sender none', async () => {
    const [sender, online, offline] = await Promise.all([register(nodeA, 'notifier'), register(nodeB, 'awake'), register(nodeA, 'asleep')]);
    const room = await group(nodeA, sender, [online, offline]);
    const ss = await connect(nodeA, sender.accessToken);
    await connect(nodeB, online.accessToken);
    const got: OfflineNotification[] = [];
    const kafka = new Kafka({ clientId: 'test-notifications', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `test-notify-reader-${randomBytes(3).toString('hex')}` });
    await consumer.connect();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await call(ss, 'message:send', { roomId: room.id, clientMsgId: `nt${i}`, content: `note ${i}` });
        ids.push((r.message as Message).id);
      }
      // The topic exists once the notifier has written to it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        try {
          await consumer.subscribe({ topic: env.KAFKA_NOTIFICATIONS_TOPIC!, fromBeginning: true });
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await sleep(500);
        }
      }
      await consumer.run({
        eachMessage: async ({ message }) => void got.push(JSON.parse(message.value!.toString()) as OfflineNotification),
      });
      await until(() => got.filter((n) => n.roomId === room.id).length >= 3, 30_000, 'three notifications');
      await sleep(500);
      const mine = got.filter((n) => n.roomId === room.id);
      assert.deepEqual(new Set(mine.map((n) => n.userId)), new Set([offline.user.id]));
      assert.deepEqual([...new Set(mine.map((n) => n.messageId))].sort(), [...ids].sort());
      assert.deepEqual(mine.map((n) => n.preview).sort(), ['note 0', 'note 1', 'note 2']);
      assert.ok(mine.every((n) => n.id === `${n.messageId}:${n.userId}`));
    } finally {
      await consumer.disconnect();
    }
  });

  test('the workers process is SIGKILLed mid-stream and restarted: no acked message lost, none shown twice, order kept', async () => {
    const [a, b] = await Promise.all([register(nodeA, 'writer'), register(nodeB, 'reader')]);
    const room = await group(nodeA, a, [b]);
    const sa = await connect(nodeA, a.accessToken);
    const sb = await connect(nodeB, b.accessToken);
    const atB = collect(sb, room.id);

    const acked: number[] = [];
    let killed = false;
    for (let i = 0; i < 40; i++) {
      const r = await call(sa, 'message:send', { roomId: room.id, clientMsgId: `w${i}`, content: `w${i}` });
      assert.equal(r.ok, true, JSON.stringify(r));
      acked.push((r.message as Message).seq);
      if (i === 15) {
        await workers.kill('SIGKILL');
        killed = true;
      }
      if (i === 30) workers = await ApiNode.startWorkers('workers-2', env);
      await sleep(10);
    }
    assert.ok(killed);
    await until(() => new Set(atB.map((m) => m.seq)).size >= 40, 60_000, 'every acked message delivered after the restart');
    // A client shows each seq once: what reached it, first arrivals only, is exactly the acked seqs in order.
    const firsts = atB.map((m) => m.seq).filter((s, i, all) => all.indexOf(s) === i);
    assert.deepEqual(firsts, acked);
    const repeats = atB.length - firsts.length;
    console.log(
      `# workers restart: ${atB.length} message:new events for ${firsts.length} messages (${repeats} re-emitted after the crash)`,
    );
    // And the history (in Cassandra) agrees.
    const sync = await call(sb, 'room:sync', { roomId: room.id, afterSeq: 0 });
    assert.deepEqual(
      (sync.messages as Message[]).map((m) => m.seq),
      acked,
    );
    const cql = new Client({ contactPoints: cassandra.split(','), localDataCenter: 'datacenter1', keyspace: env.CASSANDRA_KEYSPACE });
    await cql.connect();
    try {
      const buckets = (await cql.execute('SELECT bucket FROM room_buckets WHERE room_id = ?', [room.id], { prepare: true })).rows.map(
        (r) => r.get('bucket') as number,
      );
      const seqs: number[] = [];
      for (const b of buckets) {
        const rs = await cql.execute('SELECT seq FROM messages_by_room WHERE room_id = ? AND bucket = ?', [room.id, b], { prepare: true });
        seqs.push(...rs.rows.map((r) => Number(r.get('seq'))));
      }
      assert.deepEqual(
        seqs.sort((x, y) => x - y),
        acked,
        'every acked message is in Cassandra',
      );
    } finally {
      await cql.shutdown();
    }
  });
});
