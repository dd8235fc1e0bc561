import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoalescingPublisher } from './coalescing-publisher';

/** A producer whose requests the test answers by hand, one in flight at a time. */
function manualProducer() {
  const requests: { messages: number[]; answer: (error?: Error) => void }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  const send = (messages: number[]) =>
    new Promise<void>((resolve, reject) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      requests.push({
        messages,
        answer: (error) => {
          inFlight--;
          if (error) reject(error);
          else resolve();
        },
      });
    });
  return { send, requests, mostInFlight: () => mostInFlight };
}
const tick = () => new Promise((r) => setImmediate(r));

test('a lone record goes out at once; those that arrive while it is out share the next request, in order', async () => {
  const producer = manualProducer();
  const publisher = new CoalescingPublisher(producer.send);
  const done: number[] = [];
  const publish = (n: number) => publisher.publish(n).then(() => void done.push(n));
  const first = publish(1);
  await tick();
  assert.deepEqual(
    producer.requests.map((r) => r.messages),
    [[1]],
  );
  const rest = [2, 3, 4].map(publish);
  await tick();
  assert.equal(producer.requests.length, 1, 'nothing else leaves while a request is out');
  producer.requests[0]!.answer();
  await first;
  await tick();
  assert.deepEqual(
    producer.requests.map((r) => r.messages),
    [[1], [2, 3, 4]],
  );
  assert.deepEqual(done, [1], 'the later ones wait for their own request');
  producer.requests[1]!.answer();
  await Promise.all(rest);
  assert.deepEqual(done, [1, 2, 3, 4]);
  assert.equal(producer.mostInFlight(), 1);
});

test('records published in one tick leave in one request', async () => {
  const producer = manualProducer();
  const publisher = new CoalescingPublisher(producer.send);
  const all = [1, 2, 3].map((n) => publisher.publish(n));
  await tick();
  assert.deepEqual(
    producer.requests.map((r) => r.messages),
    [[1, 2, 3]],
  );
  producer.requests[0]!.answer();
  await Promise.all(all);
});

test('a failed request fails exactly its own records; the next request still goes', async () => {
  const producer = manualProducer();
  const publisher = new CoalescingPublisher(producer.send);
  const first = publisher.publish(1);
  await tick();
  const second = publisher.publish(2);
  producer.requests[0]!.answer(new Error('broker away'));
  await assert.rejects(first, /broker away/);
  await tick();
  assert.deepEqual(
    producer.requests.map((r) => r.messages),
    [[1], [2]],
  );
  producer.requests[1]!.answer();
  await second;
});

test('a request carries at most maxBatch records', async () => {
  const producer = manualProducer();
  const publisher = new CoalescingPublisher(producer.send, 2);
  const all = [1, 2, 3, 4, 5].map((n) => publisher.publish(n));
  for (let i = 0; i < 3; i++) {
    await tick();
    producer.requests[i]!.answer();
  }
  await Promise.all(all);
  assert.deepEqual(
    producer.requests.map((r) => r.messages),
    [[1, 2], [3, 4], [5]],
  );
});
