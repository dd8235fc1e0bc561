import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import type { LogRecord } from '../ports/message-log.port';
import type { IndexChange, SearchIndex } from '../ports/search-index.port';
import { createIndexHandler } from './index.handler';

const base: Message = {
  id: '01a20792-8333-7000-85fe-754887c65753',
  roomId: '01a20792-8333-7000-85fe-754887c65754',
  seq: 1,
  senderId: '01a20792-8333-7000-85fe-754887c65755',
  clientMsgId: 'c1',
  content: 'helo',
  contentType: 'text',
  replyTo: null,
  createdAt: new Date().toISOString(),
};

/** A search index that records each batch it is handed, and fails while `failing` is set. */
function recordingIndex() {
  const batches: IndexChange[][] = [];
  const state = { failing: false };
  const index: SearchIndex = {
    apply: async (changes) => {
      if (state.failing) throw new Error('index down');
      batches.push([...changes]);
    },
    search: async () => [],
    deleteRoom: async () => undefined,
  };
  return { index, batches, state };
}

const sent = (seq: number, content: string): Message => ({
  ...base,
  id: `${base.id.slice(0, -2)}${String(seq).padStart(2, '0')}`,
  seq,
  clientMsgId: `c${seq}`,
  content,
});
const updated = (seq: number, message: Message): LogRecord => ({ type: 'message.updated', update: { roomId: base.roomId, seq, message } });

test("a room's run of records is one batch for the index, in log order; its failure is thrown back whole", async () => {
  const { index, batches, state } = recordingIndex();
  const handler = createIndexHandler(index);
  const messages = [sent(1, 'one'), sent(2, 'two'), sent(3, 'three')];
  const run: LogRecord[] = messages.map((message) => ({ type: 'message.created', message }));
  await handler.run(run);
  assert.deepEqual(batches, [messages.map((message) => ({ op: 'index', message }))]);
  state.failing = true;
  await assert.rejects(handler.run(run), /index down/);
});

test('an edited message is indexed again with its new text (any later change re-indexes the same, versioned); a deleted one is removed', async () => {
  const { index, batches } = recordingIndex();
  const at = new Date().toISOString();
  const edited = { ...base, content: 'hello', editedAt: at, version: 2 };
  const reacted = { ...edited, version: 3, reactions: [{ emoji: '👍', count: 1, userIds: [base.senderId] }] };
  const deleted = { ...base, content: '', editedAt: at, deletedAt: at, version: 4 };
  await createIndexHandler(index).run([updated(2, edited), updated(3, reacted), updated(4, deleted)]);
  assert.deepEqual(batches, [
    [
      { op: 'index', message: edited },
      { op: 'index', message: reacted },
      { op: 'remove', message: deleted },
    ],
  ]);
});

test('a run that changes no text (reactions to an unedited message) asks nothing of the index', async () => {
  const { index, batches } = recordingIndex();
  const reacted = { ...base, version: 2, reactions: [{ emoji: '👍', count: 1, userIds: [base.senderId] }] };
  await createIndexHandler(index).run([updated(2, reacted)]);
  assert.deepEqual(batches, []);
});
