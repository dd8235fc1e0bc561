import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import { recordRoomId, recordSeq, type LogRecord } from '../../ports/message-log.port';
import { InProcessMessageLog } from './in-process-message-log.adapter';

const record = (roomId: string, seq: number): LogRecord => {
  const message: Message = {
    id: `0190aaaa-0000-7000-8000-${String(seq).padStart(12, '0')}`,
    roomId,
    seq,
    senderId: '0190aaaa-0000-7000-8000-0000000000a1',
    clientMsgId: `c${seq}`,
    content: `m${seq}`,
    contentType: 'text',
    replyTo: null,
    createdAt: new Date(0).toISOString(),
  };
  return { type: 'message.created', message };
};
const names = (rs: LogRecord[]) => rs.map((r) => `${recordRoomId(r)}${recordSeq(r)}`);

test("publishAll hands a run handler each room's records at once (a group commit: one run), a record handler one at a time", async () => {
  const failures: string[] = [];
  const log = new InProcessMessageLog((consumer, _err, r) => void failures.push(`${consumer}:${recordRoomId(r)}${recordSeq(r)}`));
  const runs: string[][] = [];
  const one: string[] = [];
  log.subscribe('fanout', { run: async (rs) => void runs.push(names(rs)) });
  log.subscribe('indexer', async (r) => void one.push(...names([r])));
  await log.publishAll([record('a', 1), record('a', 2), record('a', 3)]);
  await log.publishAll([record('a', 4), record('b', 1), record('b', 2), record('a', 5)]);
  await log.publish(record('b', 3));
  assert.deepEqual(runs, [['a1', 'a2', 'a3'], ['a4'], ['b1', 'b2'], ['a5'], ['b3']]);
  assert.deepEqual(one, ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'a5', 'b3']);
  assert.deepEqual(failures, []);
});

test("a run that fails is reported by its first record; the room's next run and the other consumers still run", async () => {
  const failures: string[] = [];
  const log = new InProcessMessageLog((consumer, _err, r) => void failures.push(`${consumer}:${recordRoomId(r)}${recordSeq(r)}`));
  const runs: string[][] = [];
  const one: string[] = [];
  log.subscribe('fanout', {
    run: async (rs) => {
      if (recordSeq(rs[0]!) === 1) throw new Error('bus away');
      runs.push(names(rs));
    },
  });
  log.subscribe('indexer', async (r) => void one.push(...names([r])));
  await log.publishAll([record('a', 1), record('a', 2), record('b', 3)]);
  assert.deepEqual(failures, ['fanout:a1']);
  assert.deepEqual(runs, [['b3']]);
  assert.deepEqual(one, ['a1', 'a2', 'b3']);
});
