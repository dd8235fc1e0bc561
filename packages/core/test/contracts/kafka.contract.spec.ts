import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaMessageLog } from '../../src/adapters/kafka/kafka-message-log.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import { recordRoomId, recordSeq, type LogRecord } from '../../src/ports/message-log.port';
import type { Message } from '@qc/shared';
import { messageLogContract } from './message-log.contract';

/*
 * The MessageLog suite against a real Kafka (TEST_KAFKA_BROKERS, default the one
 * `npm run engines -- up kafka` starts on 127.0.0.1:9092). A topic and consumer groups of
 * this run's own keep runs apart.
 */
const brokers = (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

messageLogContract('kafka', async () => {
  const run = randomBytes(4).toString('hex');
  const log = new KafkaMessageLog({
    brokers,
    clientId: `contract-${run}`,
    topic: `test.chat.messages.${run}`,
    groupPrefix: `test-${run}`,
    partitions: 3,
    logger: quiet,
  });
  try {
    await log.ensureTopic();
  } catch (e) {
    throw new Error(
      `no Kafka at ${brokers.join(',')} (${e instanceof Error ? e.message : String(e)}): start it with "npm run engines -- up kafka", or set TEST_KAFKA_BROKERS`,
    );
  }
  return { log, close: () => log.close() };
});

describe('KafkaMessageLog specifics: consumer groups', () => {
  const run = randomBytes(4).toString('hex');
  const topic = `test.chat.groups.${run}`;
  const rooms = Array.from({ length: 6 }, () => uuidv7());
  const opened: KafkaMessageLog[] = [];
  let seq = 0;
  /** One process of the group: its own client, the same topic and group names. */
  const member = (name: string) => {
    const log = new KafkaMessageLog({
      brokers,
      clientId: `${name}-${run}`,
      topic,
      groupPrefix: `test-${run}`,
      partitions: 6,
      logger: quiet,
    });
    opened.push(log);
    return log;
  };
  const record = (roomId: string): LogRecord => ({
    type: 'message.created',
    message: {
      id: uuidv7(),
      roomId,
      seq: ++seq,
      senderId: roomId,
      clientMsgId: `c${seq}`,
      content: `m${seq}`,
      contentType: 'text',
      replyTo: null,
      createdAt: new Date().toISOString(),
    },
  });
  const publishRound = async (log: KafkaMessageLog, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = record(rooms[i % rooms.length]!);
      await log.publish(r);
      ids.push(recordSeq(r));
    }
    return ids;
  };
  async function until(pred: () => boolean, what: string, ms = 30_000) {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
      await sleep(20);
    }
  }
  after(async () => {
    await Promise.all(opened.map((l) => l.close()));
  });

  test('sends that arrive together before the producer is up share one producer; close leaves no broker connection open', async () => {
    const brokerPorts = new Set(brokers.map((b) => Number(b.split(':')[1] ?? 9092)));
    const openToBroker = () =>
      (process as unknown as { _getActiveHandles(): unknown[] })
        ._getActiveHandles()
        .filter((h): h is Socket => h instanceof Socket && !h.destroyed && brokerPorts.has(h.remotePort ?? -1)).length;
    assert.equal(openToBroker(), 0, 'nothing else of this file is connected now');
    const burst = member('burst');
    await Promise.all(rooms.map((room) => burst.publish(record(room))));
    await burst.close();
    // Each of the six used to connect a producer of its own; five leaked and kept the process alive.
    await until(() => openToBroker() === 0, 'every broker connection closed', 5_000);
  });

  test('members join and leave (rebalances), a new one resumes from the committed offsets, and a failed record comes back before the next', async () => {
    const handled: { by: string; seq: number; roomId: string }[] = [];
    const consumerOf = (by: string) => async (r: LogRecord) => void handled.push({ by, seq: recordSeq(r), roomId: recordRoomId(r) });
    const got = (seqs: number[]) => seqs.every((s) => handled.some((h) => h.seq === s));

    const a = member('a');
    a.subscribe('fanout', consumerOf('a'));
    await a.start();
    const first = await publishRound(a, 30);
    await until(() => got(first), 'member a alone handles the first round');

    const b = member('b');
    b.subscribe('fanout', consumerOf('b'));
    await b.start(); // the group rebalances: partitions are split between a and b
    // start() returns once b asked to join; the split comes with the rebalance after it, later
    // on a busy machine. Until then a handles everything, so rounds go on (at most ten) until
    // b has had some: what is checked is that b gets partitions, not how soon.
    const second: number[] = [];
    for (let round = 0; round < 10 && !handled.some((h) => h.by === 'b'); round++) {
      const seqs = await publishRound(a, 60);
      second.push(...seqs);
      await until(() => got(seqs), 'a and b together handle the second round');
      if (!handled.some((h) => h.by === 'b')) await sleep(500);
    }
    assert.ok(
      handled.some((h) => h.by === 'b' && second.includes(h.seq)),
      'after the rebalance b owns some partitions',
    );

    await a.close(); // a leaves: b takes every partition
    const third = await publishRound(b, 30);
    await until(() => got(third), 'b alone handles the third round');

    await b.close();
    // Between members nobody consumes; the next one starts where the group's offsets are.
    const producer = member('producer');
    const fourth = await publishRound(producer, 12);
    const c = member('c');
    let failedOnce = false;
    c.subscribe('fanout', async (r) => {
      // The first record c sees fails once: Kafka must hand it over again, before its room's next one.
      if (!failedOnce) {
        failedOnce = true;
        throw new Error('transient failure');
      }
      handled.push({ by: 'c', seq: recordSeq(r), roomId: recordRoomId(r) });
    });
    await c.start();
    await until(() => got(fourth), 'a new member handles what was published while the group was empty');
    const byC = handled.filter((h) => h.by === 'c');
    assert.deepEqual(
      byC.filter((h) => !fourth.includes(h.seq)),
      [],
      'nothing already committed is consumed again (fromBeginning applies only to a group with no offsets)',
    );
    assert.ok(failedOnce);
    for (const room of rooms) {
      const seqs = byC.filter((h) => h.roomId === room).map((h) => h.seq);
      assert.deepEqual(
        seqs,
        fourth.filter((s) => seqs.includes(s)),
        `room ${room}: in publish order, the failed record first`,
      );
      assert.equal(new Set(seqs).size, seqs.length, `room ${room}: each record once (its offset was committed after its handler)`);
    }
    // Every record of every round was handled at least once, per room in order of first handling.
    for (const room of rooms) {
      const firsts = handled.filter((h) => h.roomId === room).map((h) => h.seq);
      const unique = firsts.filter((s, i) => firsts.indexOf(s) === i);
      assert.deepEqual(
        unique,
        [...unique].sort((x, y) => x - y),
        `room ${room} handled out of order`,
      );
    }
  });

  test('in one partition, a slow room does not hold up a quick one, and each keeps its order', async () => {
    const onePartition = new KafkaMessageLog({
      brokers,
      clientId: `lanes-${run}`,
      topic: `${topic}.one-partition`,
      groupPrefix: `test-${run}`,
      partitions: 1,
      logger: quiet,
    });
    opened.push(onePartition);
    const [slow, quick] = [uuidv7(), uuidv7()];
    const published: LogRecord[] = [];
    for (let i = 0; i < 10; i++) for (const room of [slow, quick]) published.push(record(room));
    for (const r of published) await onePartition.publish(r);
    const handled: Message[] = [];
    let quickHandled = 0;
    let quickAllDone!: () => void;
    const quickDone = new Promise<void>((r) => (quickAllDone = r));
    onePartition.subscribe('lanes', async (r) => {
      // Say a store that is stuck for this room: it holds its records until every one of
      // the quick room's is through, or for 5 s. One record at a time per partition, the
      // quick room would wait those 5 s behind each of them.
      if (recordRoomId(r) === slow) await Promise.race([quickDone, sleep(5_000)]);
      if (r.type === 'message.created') handled.push(r.message);
      if (recordRoomId(r) === quick && ++quickHandled === 10) quickAllDone();
    });
    await onePartition.start();
    await until(() => handled.length >= published.length, 'all 20 handled');
    const order = (room: string) => handled.filter((m) => m.roomId === room).map((m) => m.seq);
    const publishedOrder = (room: string) => published.filter((r) => recordRoomId(r) === room).map((r) => recordSeq(r));
    assert.deepEqual(order(slow), publishedOrder(slow));
    assert.deepEqual(order(quick), publishedOrder(quick));
    assert.deepEqual(
      handled.slice(0, 10).map((m) => m.roomId),
      Array(10).fill(quick),
      'the quick room went through while the slow one was stuck',
    );
  });

  test("a run handler takes a room's backlog in a few runs, and a run that fails comes again whole before the room's next records", async () => {
    const log = new KafkaMessageLog({
      brokers,
      clientId: `runs-${run}`,
      topic: `${topic}.runs`,
      groupPrefix: `test-${run}`,
      partitions: 2,
      logger: quiet,
    });
    opened.push(log);
    const backlog = rooms.slice(0, 3);
    const published: LogRecord[] = [];
    for (let i = 0; i < 40; i++) for (const room of backlog) published.push(record(room));
    await log.publishAll(published);
    const runs: LogRecord[][] = [];
    let failed: LogRecord[] | null = null;
    log.subscribe('runs', {
      run: async (rs) => {
        if (!failed) {
          failed = rs;
          throw new Error('bus away');
        }
        runs.push(rs);
      },
    });
    await log.start();
    await until(() => runs.flat().length >= published.length, 'the backlog handled');
    // (Set in the handler, which TypeScript's narrowing does not follow.)
    const first = failed as LogRecord[] | null;
    assert.ok(first && first.length > 1, `the first run took more than one record (${first?.length})`);
    assert.deepEqual(
      runs.find((rs) => recordRoomId(rs[0]!) === recordRoomId(first[0]!))?.map(recordSeq),
      first.map(recordSeq),
      "the failed run came again whole, as the room's first",
    );
    for (const room of backlog) {
      const seqs = runs
        .flat()
        .filter((r) => recordRoomId(r) === room)
        .map(recordSeq);
      assert.deepEqual(seqs, published.filter((r) => recordRoomId(r) === room).map(recordSeq), `room ${room}: each record once, in order`);
    }
    assert.ok(
      runs.every((rs) => new Set(rs.map(recordRoomId)).size === 1),
      'one room per run',
    );
    console.log(
      `# kafka: a backlog of ${published.length} records from ${backlog.length} rooms came in ${runs.length} runs (after one failed run of ${first.length})`,
    );
    assert.ok(runs.length < published.length / 4, `${runs.length} runs for ${published.length} records`);
  });

  test('describeConsumers: lag counts what a stuck consumer has not handled; members count who runs it, until it leaves', async () => {
    const onLagTopic = (name: string) => {
      const l = new KafkaMessageLog({
        brokers,
        clientId: `${name}-${run}`,
        topic: `${topic}.lag`,
        groupPrefix: `test-${run}`,
        partitions: 2,
        logger: quiet,
      });
      opened.push(l);
      return l;
    };
    const log = onLagTopic('lag');
    for (const room of rooms) await log.publish(record(room));
    assert.deepEqual(await log.describeConsumers(['stuck']), [{ consumer: 'stuck', members: 0, lag: rooms.length }], 'nobody yet');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let handledCount = 0;
    log.subscribe('stuck', async () => {
      await released; // a store that hangs
      handledCount++;
    });
    await log.start();
    let state = (await log.describeConsumers(['stuck']))[0]!;
    for (const end = Date.now() + 15_000; state.members === 0 && Date.now() < end; await sleep(100))
      state = (await log.describeConsumers(['stuck']))[0]!;
    assert.deepEqual(state, { consumer: 'stuck', members: 1, lag: rooms.length }, 'running, and stuck on everything');
    release();
    await until(() => handledCount === rooms.length, 'all handled once released');
    for (const end = Date.now() + 15_000; state.lag !== 0 && Date.now() < end; await sleep(100))
      state = (await log.describeConsumers(['stuck']))[0]!;
    assert.equal(state.lag, 0, 'caught up once its offsets are committed');
    await log.close();
    // Another process asks: the member that left is gone at once, and the group's offsets stay.
    assert.deepEqual(await onLagTopic('observer').describeConsumers(['stuck']), [{ consumer: 'stuck', members: 0, lag: 0 }]);
  });

  test('measured: a consumer keeps up with 8 rooms publishing at once', async () => {
    const producer = member('bench-producer');
    const consumer = member('bench-consumer');
    let handledCount = 0;
    let lastAt = 0;
    const before = seq;
    consumer.subscribe('bench', async (r) => {
      if (recordSeq(r) > before) {
        handledCount++;
        lastAt = performance.now();
      }
    });
    await consumer.start();
    const t0 = performance.now();
    await Promise.all(
      rooms.map(async (room) => {
        for (let i = 0; i < 50; i++) await producer.publish(record(room));
      }),
    );
    const published = performance.now();
    await until(() => handledCount >= rooms.length * 50, 'all 300 consumed');
    const total = rooms.length * 50;
    console.log(
      `# kafka: ${total} records from ${rooms.length} rooms published in ${(published - t0).toFixed(0)} ms, all consumed ${(lastAt - published).toFixed(0)} ms after the last publish (${(total / ((lastAt - t0) / 1000)).toFixed(0)} records/s end to end)`,
    );
    assert.ok(lastAt - published < 10_000, 'the consumer fell far behind');
  });
});
