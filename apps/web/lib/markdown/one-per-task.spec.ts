import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inItsOwnTask } from './one-per-task';

test('queued callbacks run in order, each in a task of its own', async () => {
  const seen: string[] = [];
  await new Promise<void>((done) => {
    for (const name of ['a', 'b', 'c']) {
      inItsOwnTask(() => {
        seen.push(name);
        // A microtask queued by one callback runs before the next callback: they are separate tasks.
        queueMicrotask(() => {
          seen.push(`${name} settled`);
          if (name === 'c') done();
        });
      });
    }
    // Nothing runs in the task that queued them.
    assert.deepEqual(seen, []);
  });
  assert.deepEqual(seen, ['a', 'a settled', 'b', 'b settled', 'c', 'c settled']);
});
