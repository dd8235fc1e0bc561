import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Client } from 'cassandra-driver';
import type { DataSource } from 'typeorm';
import type { Message } from '@qc/shared';
import { connectCassandra } from '../../src/adapters/cassandra/cassandra-client';
import { CassandraMessageStore, dayBucket } from '../../src/adapters/cassandra/cassandra-message-store.adapter';
import { createDataSource } from '../../src/adapters/postgres/data-source';
import { PostgresRoomSequencer } from '../../src/adapters/postgres/postgres-room-sequencer.adapter';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestDatabase, type TestDatabase } from '../support/test-database';
import { messageStoreContract } from './message-store.contract';
import { createGroupRoom } from '../support/fixtures';

/*
 * The MessageStore suite against a real Cassandra (TEST_CASSANDRA_CONTACT_POINTS, default
 * the one `npm run engines -- up cassandra` starts on 127.0.0.1:9042), in a keyspace of
 * this run's own, plus what only this adapter has: day buckets and the outbox.
 */
const contactPoints = (process.env.TEST_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(',');

async function openCassandra(): Promise<{ cql: Client; keyspace: string }> {
  const keyspace = `qc_test_${randomBytes(4).toString('hex')}`;
  try {
    const cql = await connectCassandra({
      contactPoints,
      localDataCenter: process.env.TEST_CASSANDRA_LOCAL_DC ?? 'datacenter1',
      keyspace,
      consistency: 'LOCAL_QUORUM',
      replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
    });
    return { cql, keyspace };
  } catch (e) {
    throw new Error(
      `no Cassandra at ${contactPoints.join(',')} (${e instanceof Error ? e.message : String(e)}): start it with "npm run engines -- up cassandra", or set TEST_CASSANDRA_CONTACT_POINTS`,
    );
  }
}

async function fixture(opts: { deferWrites?: boolean } = {}) {
  const db = await startTestDatabase();
  const { cql, keyspace } = await openCassandra();
  const meta = new PostgresMetadataStore(db.ds);
  const sender = uuidv7();
  await meta.createUser({ id: sender, username: `c${Date.now()}`, displayName: 'Sender', passwordHash: 'x' });
  const other = uuidv7();
  await meta.createUser({ id: other, username: `co${Date.now()}`, displayName: 'Other', passwordHash: 'x' });
  // The store and its sequencer share a small pool, as on an api node (rooms are made on the test's own).
  const node = createDataSource(db.url, { poolSize: 2 });
  await node.initialize();
  const store = new CassandraMessageStore(node, cql, opts);
  return {
    db,
    cql,
    store,
    scoped: { sequencer: new PostgresRoomSequencer(node), connections: 2 },
    sender,
    other,
    newRoom: (withOther = false) => createGroupRoom(meta, sender, withOther ? [other] : [], 'c'),
    close: async () => {
      await cql.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      await cql.shutdown();
      await node.destroy();
      await db.stop();
    },
  };
}

messageStoreContract('cassandra (seq and keys in PostgreSQL)', () => fixture());
// The Kafka profile: until the history consumer runs, every read is served from the outbox.
messageStoreContract('cassandra with deferred writes (history consumer not yet run)', () => fixture({ deferWrites: true }));

describe('CassandraMessageStore specifics', () => {
  let f: Awaited<ReturnType<typeof fixture>>;
  let db: TestDatabase;
  before(async () => {
    f = await fixture();
    db = f.db;
  });
  after(async () => f?.close());

  const at = (room: string, id: string, day: number, hour = 12) => ({
    id: uuidv7(),
    roomId: room,
    senderId: f.sender,
    clientMsgId: id,
    content: id,
    contentType: 'text' as const,
    replyTo: null,
    createdAt: new Date(Date.UTC(2030, 0, day, hour)),
  });

  test('history pages cross day-bucket boundaries in both directions', async () => {
    const room = await f.newRoom();
    // 3 days, 4 messages a day: seq 1-4 on day 1, 5-8 on day 2, 9-12 on day 3.
    for (let d = 1; d <= 3; d++) for (let h = 0; h < 4; h++) await f.store.append(at(room, `d${d}h${h}`, d, h));
    const rs = await f.cql.execute('SELECT bucket FROM room_buckets WHERE room_id = ?', [room], { prepare: true });
    assert.equal(rs.rowLength, 3, 'one partition per day');
    assert.deepEqual(
      (await f.store.listAfter(room, 2, 7)).map((m) => m.seq),
      [3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      (await f.store.listAfter(room, 8, 100)).map((m) => m.seq),
      [9, 10, 11, 12],
    );
    assert.deepEqual(
      (await f.store.listBefore(room, 11, 7)).map((m) => m.seq),
      [4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(
      (await f.store.listBefore(room, null, 5)).map((m) => m.seq),
      [8, 9, 10, 11, 12],
    );
    assert.equal(dayBucket(new Date(Date.UTC(2030, 0, 2, 23, 59))), dayBucket(new Date(Date.UTC(2030, 0, 2, 0, 0))));
  });

  test('a message stamped with an earlier day than the previous one (a slow clock) stays in seq order', async () => {
    const room = await f.newRoom();
    await f.store.append(at(room, 'late-clock', 9, 0));
    await f.store.append(at(room, 'early-clock', 8, 23));
    await f.store.append(at(room, 'next', 9, 1));
    assert.deepEqual(
      (await f.store.listAfter(room, 0, 10)).map((m) => m.content),
      ['late-clock', 'early-clock', 'next'],
    );
    assert.deepEqual(
      (await f.store.listAfter(room, 1, 10)).map((m) => m.content),
      ['early-clock', 'next'],
    );
    assert.deepEqual(
      (await f.store.listBefore(room, 3, 10)).map((m) => m.content),
      ['late-clock', 'early-clock'],
    );
  });

  test('a message whose Cassandra write never happened is still read from the outbox, and storePending finishes it', async () => {
    const room = await f.newRoom();
    await f.store.append(at(room, 'one', 5));
    // As if a send committed in PostgreSQL and its Cassandra write failed: an unstored outbox row.
    const id = uuidv7();
    await db.ds.query(`UPDATE rooms SET last_seq = 2 WHERE id = $1`, [room]);
    const bucket = dayBucket(new Date(Date.UTC(2030, 0, 5)));
    await db.ds.query(
      `INSERT INTO message_keys (room_id, sender_id, client_msg_id, seq, bucket, id, created_at, content, content_type) VALUES ($1,$2,'two',2,$4,$3, now() - interval '1 minute','two','text')`,
      [room, f.sender, id, bucket],
    );
    await f.store.append(at(room, 'three', 5, 13));
    assert.deepEqual(
      (await f.store.listAfter(room, 0, 10)).map((m) => m.content),
      ['one', 'two', 'three'],
      'no gap while Cassandra lacks seq 2',
    );
    assert.equal((await f.store.findByClientMsgId(room, f.sender, 'two'))?.id, id);
    assert.ok((await f.store.storePending(1000)) >= 1);
    const inCassandra = await f.cql.execute(
      'SELECT seq FROM messages_by_room WHERE room_id = ? AND bucket = ? AND seq = 2',
      [room, bucket],
      { prepare: true },
    );
    assert.equal(inCassandra.rowLength, 1);
    const [row] = await db.ds.query(`SELECT stored, content FROM message_keys WHERE room_id = $1 AND seq = 2`, [room]);
    assert.deepEqual(row, { stored: true, content: null });
    assert.deepEqual(
      (await f.store.listAfter(room, 0, 10)).map((m) => m.content),
      ['one', 'two', 'three'],
    );
  });

  test('with deferred writes, an appended message is read from the outbox until the history consumer stores it, once', async () => {
    const deferred = new CassandraMessageStore(db.ds, f.cql, { deferWrites: true });
    const room = await f.newRoom();
    const first = (await deferred.append(at(room, 'first', 7))).message;
    const second = (await deferred.append(at(room, 'second', 7, 13))).message;
    const inCassandra = async () =>
      (
        await f.cql.execute(
          'SELECT seq FROM messages_by_room WHERE room_id = ? AND bucket = ?',
          [room, dayBucket(new Date(first.createdAt))],
          {
            prepare: true,
          },
        )
      ).rows.map((r) => Number(r.get('seq')));
    assert.deepEqual(await inCassandra(), [], 'the send path stopped at the PostgreSQL commit');
    assert.deepEqual(
      (await deferred.listAfter(room, 0, 10)).map((m) => m.content),
      ['first', 'second'],
      'readable from the ack on',
    );
    assert.equal((await deferred.findByClientMsgId(room, f.sender, 'first'))?.id, first.id);
    // The consumer meets them, out of order and redelivered, as Kafka may hand them over after a crash.
    assert.equal(await deferred.storeLogged([second]), 1);
    assert.equal(await deferred.storeLogged([first]), 1);
    assert.equal(await deferred.storeLogged([first]), 0, 'a redelivery writes nothing');
    assert.deepEqual((await inCassandra()).sort(), [1, 2]);
    const keys = await db.ds.query(`SELECT seq, stored, content FROM message_keys WHERE room_id = $1 ORDER BY seq`, [room]);
    assert.deepEqual(keys, [
      { seq: '1', stored: true, content: null },
      { seq: '2', stored: true, content: null },
    ]);
    assert.deepEqual(
      (await deferred.listBefore(room, null, 10)).map((m) => [m.seq, m.content, m.id]),
      [
        [1, 'first', first.id],
        [2, 'second', second.id],
      ],
    );
    // A retry of a stored message is answered from Cassandra, the same message.
    const again = await deferred.append({ ...at(room, 'first', 7), id: uuidv7() });
    assert.deepEqual(again, { message: first, created: false });
  });

  test("an erased message's text stays erased when the history consumer stores it afterwards from the log's copy", async () => {
    const deferred = new CassandraMessageStore(db.ds, f.cql, { deferWrites: true });
    const room = await f.newRoom();
    const m = (await deferred.append(at(room, 'erase-me', 11))).message;
    const kept = (await deferred.append(at(room, 'keep-me', 11, 13))).message;
    await deferred.eraseContent(room, [m.id]);
    // The log still carries the message as it was sent.
    assert.equal(await deferred.storeLogged([m, kept]), 2);
    const rs = await f.cql.execute(
      'SELECT seq, content FROM messages_by_room WHERE room_id = ? AND bucket = ?',
      [room, dayBucket(new Date(m.createdAt))],
      { prepare: true },
    );
    assert.deepEqual(rs.rows.map((r) => [Number(r.get('seq')), String(r.get('content'))]).sort(), [
      [1, ''],
      [2, 'keep-me'],
    ]);
    assert.deepEqual(
      (await deferred.listBySender(f.sender, { roomId: room, seq: 0 }, 2)).map((x) => [x.seq, x.content]),
      [
        [1, ''],
        [2, 'keep-me'],
      ],
    );
  });

  test('listBySender reads a page spread over day buckets and the outbox in few requests, in (room, seq) order', async () => {
    const room = await f.newRoom();
    for (let d = 1; d <= 3; d++) for (let h = 0; h < 2; h++) await f.store.append(at(room, `by-sender-${d}-${h}`, 20 + d, h));
    // And one only in the outbox (its Cassandra write never happened).
    await db.ds.query(`UPDATE rooms SET last_seq = 7 WHERE id = $1`, [room]);
    await db.ds.query(
      `INSERT INTO message_keys (room_id, sender_id, client_msg_id, seq, bucket, id, created_at, content, content_type) VALUES ($1,$2,'outbox',7,$4,$3, now(),'outbox','text')`,
      [room, f.sender, uuidv7(), dayBucket(new Date(Date.UTC(2030, 0, 23)))],
    );
    const counted = countRoundTrips(db.ds, f.cql);
    const store = new CassandraMessageStore(counted.ds, counted.cql);
    const page = await store.listBySender(f.sender, { roomId: room, seq: 0 }, 7);
    assert.deepEqual(
      page.map((m) => [m.seq, m.content]),
      [
        [1, 'by-sender-1-0'],
        [2, 'by-sender-1-1'],
        [3, 'by-sender-2-0'],
        [4, 'by-sender-2-1'],
        [5, 'by-sender-3-0'],
        [6, 'by-sender-3-1'],
        [7, 'outbox'],
      ],
    );
    assert.deepEqual(counted.n, { pg: 1, cql: 3 }, 'one key lookup, one read per day partition');
  });

  test('storeLogged for a message whose room was deleted since writes nothing', async () => {
    const deferred = new CassandraMessageStore(db.ds, f.cql, { deferWrites: true });
    const room = await f.newRoom();
    const m = (await deferred.append(at(room, 'gone', 9))).message;
    await deferred.deleteRoomMessages(room);
    await db.ds.query('DELETE FROM rooms WHERE id = $1', [room]);
    assert.equal(await deferred.storeLogged([m]), 0);
  });

  test("storeLogged takes a room's run in one PostgreSQL lookup, one Cassandra batch per partition and one UPDATE; a redelivered run writes nothing", async () => {
    const counted = countRoundTrips(db.ds, f.cql);
    const deferred = new CassandraMessageStore(counted.ds, counted.cql, { deferWrites: true });
    const room = await f.newRoom();
    // Five messages across a day boundary: two partitions, (room, day 3) and (room, day 4).
    const sent: Message[] = [];
    for (const [day, hour] of [
      [3, 21],
      [3, 22],
      [3, 23],
      [4, 0],
      [4, 1],
    ] as const)
      sent.push((await deferred.append(at(room, `run-${day}-${hour}`, day, hour))).message);
    // One of them stored already (the outbox timer, or an earlier delivery), and a retried send published twice.
    assert.equal(await deferred.storeLogged([sent[1]!]), 1);
    counted.reset();
    assert.equal(await deferred.storeLogged([...sent, sent[4]!]), 4);
    assert.deepEqual(counted.n, { pg: 2, cql: 4 }, 'a key lookup and an UPDATE; a batch and a bucket row per partition');
    const seqsIn = async (day: number) =>
      (
        await f.cql.execute(
          'SELECT seq FROM messages_by_room WHERE room_id = ? AND bucket = ?',
          [room, dayBucket(new Date(Date.UTC(2030, 0, day)))],
          {
            prepare: true,
          },
        )
      ).rows.map((r) => Number(r.get('seq')));
    assert.deepEqual(await seqsIn(3), [3, 2, 1]);
    assert.deepEqual(await seqsIn(4), [5, 4]);
    const rs = await f.cql.execute('SELECT bucket FROM room_buckets WHERE room_id = ?', [room], { prepare: true });
    assert.equal(rs.rowLength, 2, 'both days registered');
    const keys = await db.ds.query(
      `SELECT count(*)::int AS n FROM message_keys WHERE room_id = $1 AND (NOT stored OR content IS NOT NULL)`,
      [room],
    );
    assert.deepEqual(keys, [{ n: 0 }], 'every outbox row marked stored, its body dropped');
    assert.deepEqual(await deferred.listAfter(room, 0, 10), sent);

    counted.reset();
    assert.equal(await deferred.storeLogged(sent), 0, 'a redelivered run writes nothing');
    assert.deepEqual(counted.n, { pg: 1, cql: 0 });
  });

  test('a run whose Cassandra write fails part-way marks nothing stored: readers still see each message once, and the run handed over again finishes it', async () => {
    const deferred = new CassandraMessageStore(db.ds, f.cql, { deferWrites: true });
    const room = await f.newRoom();
    const first = (await deferred.append(at(room, 'day-five', 5))).message;
    const second = (await deferred.append(at(room, 'day-six', 6))).message;
    // Day six's batch is refused (the driver cannot encode the id); day five's lands.
    await assert.rejects(deferred.storeLogged([first, { ...second, senderId: 'not-a-uuid' }]));
    const unstored = await db.ds.query(`SELECT seq FROM message_keys WHERE room_id = $1 AND NOT stored ORDER BY seq`, [room]);
    assert.deepEqual(unstored, [{ seq: '1' }, { seq: '2' }]);
    assert.deepEqual(await deferred.listAfter(room, 0, 10), [first, second]);
    assert.deepEqual(await deferred.listBefore(room, null, 10), [first, second]);
    assert.equal(await deferred.storeLogged([first, second]), 2);
    assert.deepEqual(await deferred.listAfter(room, 0, 10), [first, second]);
  });
});

/** Counts the round trips a store makes: queries on its DataSource, requests on its Cassandra client. */
function countRoundTrips(ds: DataSource, cql: Client) {
  const n = { pg: 0, cql: 0 };
  const counting = <T extends object>(target: T, methods: readonly string[], count: () => void): T =>
    new Proxy(target, {
      get(t, name) {
        const value: unknown = Reflect.get(t, name, t);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (methods.includes(String(name))) count();
          return value.apply(t, args);
        };
      },
    });
  return {
    n,
    reset: () => Object.assign(n, { pg: 0, cql: 0 }),
    ds: counting(ds, ['query'], () => n.pg++),
    cql: counting(cql, ['execute', 'batch'], () => n.cql++),
  };
}
