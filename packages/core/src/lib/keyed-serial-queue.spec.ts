import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeyedSerialQueue } from './keyed-serial-queue';

test('tasks of one key run one at a time in submission order', async () => {
  const q = new KeyedSerialQueue();
  const log: string[] = [];
  let running = 0;
  const task = (name: string, ms: number) => async () => {
    running++;
    assert.equal(running, 1, 'two tasks of one key overlapped');
    log.push(`start ${name}`);
    await sleep(ms);
    log.push(`end ${name}`);
    running--;
    return name;
  };
  const results = await Promise.all([q.run('r', task('a', 20)), q.run('r', task('b', 1)), q.run('r', task('c', 5))]);
  assert.deepEqual(results, ['a', 'b', 'c']);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('different keys run in parallel', async () => {
  const q = new KeyedSerialQueue();
  const order: string[] = [];
  await Promise.all([
    q.run('x', async () => {
      await sleep(30);
      order.push('x');
    }),
    q.run('y', async () => {
      await sleep(1);
      order.push('y');
    }),
  ]);
  assert.deepEqual(order, ['y', 'x']);
});

test('a failing task rejects its caller only and the queue goes on, then forgets the key', async () => {
  const q = new KeyedSerialQueue();
  const failed = q.run('k', async () => {
    throw new Error('boom');
  });
  const next = q.run('k', async () => 'ok');
  await assert.rejects(failed, /boom/);
  assert.equal(await next, 'ok');
  await sleep(1);
  assert.equal(q.size, 0);
});

test('pending counts the tasks waiting or running, over every key', async () => {
  const q = new KeyedSerialQueue();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const runs = [q.run('a', () => gate), q.run('a', async () => undefined), q.run('b', () => Promise.reject(new Error('x')))];
  assert.equal(q.pending, 3);
  await runs[2]!.catch(() => undefined);
  await sleep(1);
  assert.equal(q.pending, 2, 'a failed task no longer counts');
  release();
  await Promise.all(runs.slice(0, 2));
  await sleep(1);
  assert.equal(q.pending, 0);
});
