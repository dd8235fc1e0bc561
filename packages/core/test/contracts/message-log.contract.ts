import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import { recordRoomId, recordSeq, type LogRecord, type MessageLog } from '../../src/ports/message-log.port';
import { uuidv7 } from '../../src/lib/uuidv7';

/** Every MessageLog adapter must pass this suite against its real engine. */
export function messageLogContract(name: string, open: () => Promise<{ log: MessageLog; close(): Promise<void> }>) {
  describe(`MessageLog contract: ${name}`, () => {
    let log: MessageLog;
    let close: () => Promise<void>;
    const fanout: LogRecord[] = [];
    const notify: LogRecord[] = [];
    /** What a consumer that takes a room's run at once was handed, run by run. */
    const runs: LogRecord[][] = [];
    before(async () => {
      ({ log, close } = await open());
      log.subscribe('fanout', async (r) => void fanout.push(r));
      log.subscribe('notify', async (r) => void notify.push(r));
      log.subscribe('runs', { run: async (rs) => void runs.push(rs) });
      await log.start();
    });
    after(async () => close?.());

    const record = (roomId: string, seq: number): LogRecord => {
      const message: Message = {
        id: uuidv7(),
        roomId,
        seq,
        senderId: uuidv7(),
        clientMsgId: `c${seq}`,
        content: `m${seq}`,
        contentType: 'text',
        replyTo: null,
        createdAt: new Date().toISOString(),
      };
      return { type: 'message.created', message };
    };

    async function until(pred: () => boolean, ms = 15_000) {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error('records not consumed in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    /** Every consumer got seqs 1 … n of each room; at-least-once engines may redeliver, so the first delivery of each seq is in order. */
    async function everyConsumerSawInOrder(rooms: string[], n: number) {
      for (const seen of [() => fanout, () => notify, () => runs.flat()]) {
        await until(() =>
          rooms.every(
            (room) =>
              new Set(
                seen()
                  .filter((r) => recordRoomId(r) === room)
                  .map((r) => recordSeq(r)),
              ).size === n,
          ),
        );
        for (const room of rooms) {
          const seqs = seen()
            .filter((r) => recordRoomId(r) === room)
            .map((r) => recordSeq(r));
          const firsts = seqs.filter((s, i) => seqs.indexOf(s) === i);
          assert.deepEqual(
            firsts,
            Array.from({ length: n }, (_, i) => i + 1),
          );
        }
      }
    }

    test('publishAll: a group commit of several rooms, concurrent with others, reaches every consumer in its order', async () => {
      const rooms = [uuidv7(), uuidv7()];
      // Batches of 5 per room, two rooms' batches in flight at once.
      for (let first = 1; first <= 20; first += 5) {
        await Promise.all(rooms.map((room) => log.publishAll(Array.from({ length: 5 }, (_, i) => record(room, first + i)))));
      }
      await log.publishAll([]);
      await everyConsumerSawInOrder(rooms, 20);
    });

    test("a consumer that takes runs gets each as one room's records, in publish order", async () => {
      const [a, b] = [uuidv7(), uuidv7()];
      const from = runs.length;
      // Two rooms' records interleaved in one publishAll, and single publishes.
      await log.publishAll([1, 2, 3].map((seq) => record(a, seq)).concat([1, 2, 3].map((seq) => record(b, seq))));
      await log.publishAll([record(a, 4), record(a, 5), record(b, 4), record(a, 6), record(b, 5), record(b, 6)]);
      for (const room of [a, b]) await log.publish(record(room, 7));
      await everyConsumerSawInOrder([a, b], 7);
      for (const run of runs.slice(from)) {
        assert.equal(new Set(run.map(recordRoomId)).size, 1, 'one room per run');
        const seqs = run.map(recordSeq);
        assert.deepEqual(
          seqs,
          [...seqs].sort((x, y) => x - y),
          'in order within the run',
        );
      }
    });

    test('every consumer gets every record, each room in publish order', async () => {
      const rooms = [uuidv7(), uuidv7(), uuidv7()];
      for (let seq = 1; seq <= 20; seq++) for (const room of rooms) await log.publish(record(room, seq));
      await everyConsumerSawInOrder(rooms, 20);
    });

    test('how far each consumer is: one that runs here has a member and, once it has handled everything, no lag; one nobody runs has no member', async () => {
      const room = uuidv7();
      const seenBefore = fanout.length;
      for (let seq = 1; seq <= 5; seq++) await log.publish(record(room, seq));
      await until(() => fanout.length >= seenBefore + 5 && notify.some((r) => recordRoomId(r) === room && recordSeq(r) === 5));
      let states = await log.describeConsumers(['fanout', 'notify', 'indexer']);
      // Kafka counts what is committed, which trails the handlers by up to 100 ms.
      for (const end = Date.now() + 15_000; states.some((s) => s.consumer !== 'indexer' && s.lag !== 0) && Date.now() < end;) {
        await new Promise((r) => setTimeout(r, 100));
        states = await log.describeConsumers(['fanout', 'notify', 'indexer']);
      }
      assert.deepEqual(
        states.map((s) => s.consumer),
        ['fanout', 'notify', 'indexer'],
      );
      for (const s of states.slice(0, 2)) {
        assert.ok(s.members >= 1, `${s.consumer} has a member: ${JSON.stringify(s)}`);
        assert.equal(s.lag, 0, `${s.consumer} has handled everything: ${JSON.stringify(s)}`);
      }
      assert.equal(states[2]!.members, 0, `nobody runs the indexer: ${JSON.stringify(states[2])}`);
    });

    test('a consumer name can be subscribed once', () => {
      assert.throws(() => log.subscribe('fanout', async () => undefined));
    });
  });
}
