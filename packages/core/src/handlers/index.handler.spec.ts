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
