import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import type { LogRecord } from '../ports/message-log.port';
import { inBackground } from './background-runs';

const rec = (roomId: string, seq: number): LogRecord => ({
  type: 'message.created',
  message: {
    id: `${roomId}-${seq}`,
    roomId,
    seq,
    senderId: 'u',
    clientMsgId: `c${seq}`,
    content: '',
    contentType: 'text',
    replyTo: null,
    createdAt: '',
  } as Message,
});
const seqs = (run: LogRecord[]) => run.map((r) => (r.type === 'message.created' ? `${r.message.roomId}${r.message.seq}` : '?'));

test('run returns at once; what queued meanwhile is joined into one run per room, in order', async () => {
  const runs: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let first = true;
  const bg = inBackground(
    {
      run: async (records) => {
        if (first) {
          first = false;
          await gate; // the first run holds its lane while more arrive
        }
        runs.push(seqs(records));
      },
    },
    { maxQueued: 100, concurrency: 2, onError: () => assert.fail('no error'), onDropped: () => assert.fail('nothing dropped') },
  );
  await bg.run([rec('a', 1)]);
  await bg.run([rec('b', 1)]);
  await bg.run([rec('a', 2)]);
  await bg.run([rec('b', 2), rec('b', 3)]);
  release();
  await bg.idle();
  // a1 was taken at once; what queued behind it is one run per room, in order.
  assert.deepEqual(runs, [['a1'], ['b1', 'b2', 'b3'], ['a2']]);
});

test('past maxQueued a run is dropped and reported; a failing run is reported and the next still runs', async () => {
  const dropped: number[] = [];
  const errors: string[] = [];
  const done: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const bg = inBackground(
    {
      run: async (records) => {
        await gate;
        if (seqs(records)[0] === 'x1') throw new Error('boom');
        done.push(seqs(records));
      },
    },
    { maxQueued: 3, concurrency: 1, onError: (err) => errors.push(String(err)), onDropped: (n) => dropped.push(n) },
  );
  await bg.run([rec('x', 1)]); // taken by the drain at once: the queue is empty again
  await bg.run([rec('y', 1), rec('y', 2)]);
  await bg.run([rec('z', 1), rec('z', 2)]); // 2 + 2 > 3
  release();
  await bg.idle();
  assert.deepEqual(dropped, [2]);
  assert.deepEqual(errors, ['Error: boom']);
  assert.deepEqual(done, [['y1', 'y2']]);
});
