import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import type { LogRecord } from '../ports/message-log.port';
import type { HistoryWriter } from '../ports/message-store.port';
import { createHistoryHandler } from './history.handler';

const message = (seq: number): Message => ({
  id: `01a20792-8333-7000-85fe-7548870001${String(seq).padStart(2, '0')}`,
  roomId: '01a20792-8333-7000-85fe-754887c65700',
  seq,
  senderId: '01a20792-8333-7000-85fe-754887c65701',
  clientMsgId: `c${seq}`,
  content: `message ${seq}`,
  contentType: 'text',
  replyTo: null,
  createdAt: new Date().toISOString(),
});

test("a room's run is one call to the history writer with its new messages, in order; its failure is thrown back", async () => {
  const calls: Message[][] = [];
  let failing = false;
  // The wiring only; CassandraMessageStore.storeLogged meets Cassandra in its contract spec.
  const writer: HistoryWriter = {
    storeLogged: async (run) => {
      if (failing) throw new Error('cassandra down');
      calls.push([...run]);
      return run.length;
    },
  };
  const handler = createHistoryHandler(writer);
  const [one, two, three] = [message(1), message(2), message(4)];
  const change: LogRecord = { type: 'message.updated', update: { roomId: one.roomId, seq: 3, message: { ...one, version: 3 } } };
  await handler.run([
    { type: 'message.created', message: one },
    { type: 'message.created', message: two },
    change,
    { type: 'message.created', message: three },
  ]);
  assert.deepEqual(calls, [[one, two, three]], 'a change is no history write (message_states holds it)');
  await handler.run([change]);
  assert.equal(calls.length, 1, 'a run of changes alone asks nothing');
  failing = true;
  await assert.rejects(handler.run([{ type: 'message.created', message: one }]), /cassandra down/);
});
