import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import type { SearchIndex } from '../ports/search-index.port';
import { createIndexHandler } from './index.handler';

test('the indexer hands each created message to the search index, and lets its failure through', async () => {
  const indexed: Message[] = [];
  let fail = false;
  const index: SearchIndex = {
    index: async (m) => {
      if (fail) throw new Error('index down');
      indexed.push(m);
    },
    remove: async () => assert.fail('nothing was deleted'),
    search: async () => [],
    deleteRoom: async () => undefined,
  };
  const message: Message = {
    id: '01a20792-8333-7000-85fe-754887c65753',
    roomId: '01a20792-8333-7000-85fe-754887c65754',
    seq: 1,
    senderId: '01a20792-8333-7000-85fe-754887c65755',
    clientMsgId: 'c1',
    content: 'hello',
    contentType: 'text',
    replyTo: null,
    createdAt: new Date().toISOString(),
  };
  const handle = createIndexHandler(index);
  await handle({ type: 'message.created', message });
  assert.deepEqual(indexed, [message]);
  fail = true;
  await assert.rejects(handle({ type: 'message.created', message }), /index down/);
});

test('an edited message is indexed again with its new text (any later change re-indexes the same, versioned); a deleted one is removed', async () => {
  const calls: string[] = [];
  const index: SearchIndex = {
    index: async (m) => void calls.push(`index ${m.content}`),
    remove: async (m) => void calls.push(`remove ${m.id}`),
    search: async () => [],
    deleteRoom: async () => undefined,
  };
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
  const handle = createIndexHandler(index);
  const at = new Date().toISOString();
  const update = (seq: number, message: Message) => handle({ type: 'message.updated', update: { roomId: base.roomId, seq, message } });
  await update(2, { ...base, content: 'hello', editedAt: at, version: 2 });
  await update(3, {
    ...base,
    content: 'hello',
    editedAt: at,
    version: 3,
    reactions: [{ emoji: '👍', count: 1, userIds: [base.senderId] }],
  });
  await update(4, { ...base, content: '', editedAt: at, deletedAt: at, version: 4 });
  assert.deepEqual(calls, ['index hello', 'index hello', `remove ${base.id}`]);
});
