import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Message } from '@qc/shared';
import { createElasticsearchClient, ElasticsearchSearchIndex } from '../../src/adapters/elasticsearch/elasticsearch-search-index.adapter';
import { PostgresMessageStateStore } from '../../src/adapters/postgres/postgres-message-state.adapter';
import { PostgresMessageStore } from '../../src/adapters/postgres/postgres-message-store.adapter';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { PostgresSearchIndex } from '../../src/adapters/postgres/postgres-search-index.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';
import { startTestDatabase } from '../support/test-database';
import { searchIndexContract } from './search-index.contract';
import { createGroupRoom } from '../support/fixtures';

/*
 * The SearchIndex suite against both adapters, each on its real engine: PostgreSQL
 * (embedded, or TEST_DATABASE_URL) and Elasticsearch (TEST_ELASTICSEARCH_URL, default the
 * one `npm run engines -- up elasticsearch` starts on 127.0.0.1:9200).
 */

searchIndexContract('postgres', async () => {
  const db = await startTestDatabase();
  const meta = new PostgresMetadataStore(db.ds);
  const store = new PostgresMessageStore(db.ds);
  const index = new PostgresSearchIndex(db.ds);
  const states = new PostgresMessageStateStore(db.ds);
  const newSender = async () => {
    const id = uuidv7();
    await meta.createUser({ id, username: `searcher${id.slice(-12)}`, displayName: 'Searcher', passwordHash: 'x' });
    return id;
  };
  const sender = await newSender();
  let n = 0;
  return {
    index,
    newRoom: () => createGroupRoom(meta, sender, [], 'search'),
    newSender,
    async send(roomId, content, createdAt, senderId = sender) {
      // The history takes messages from members only.
      if (!(await meta.getMembership(roomId, senderId))) await meta.addMember(roomId, senderId, 'member');
      const { message } = await store.append({
        id: uuidv7(),
        roomId,
        senderId,
        clientMsgId: `s${++n}`,
        content,
        contentType: 'text',
        replyTo: null,
        createdAt,
      });
      return message;
    },
    async change(original, change) {
      const outcome = await states.apply({ original, actorId: sender, change, at: new Date() });
      if (!outcome.applied) throw new Error(`the ${change.kind} changed nothing`);
      return outcome.update.message;
    },
    close: db.stop,
  };
});

const esUrl = process.env.TEST_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

/** An index of this run's own, so runs never see each other's documents; close() deletes it. */
async function openElasticsearch() {
  const client = createElasticsearchClient(esUrl);
  const index = new ElasticsearchSearchIndex(client, {
    index: `test-chat-messages-${randomBytes(4).toString('hex')}`,
    refreshOnWrite: true,
  });
  try {
    await index.ready();
  } catch (e) {
    await client.close();
    throw new Error(
      `no Elasticsearch at ${esUrl} (${e instanceof Error ? e.message : String(e)}): start it with "npm run engines -- up elasticsearch", or set TEST_ELASTICSEARCH_URL`,
    );
  }
  return {
    client,
    index,
    async close() {
      await client.indices.delete({ index: index.indexName }, { ignore: [404] });
      await client.close();
    },
  };
}

searchIndexContract('elasticsearch', async () => {
  const es = await openElasticsearch();
  // The room's seq counter, which new messages and changes share (a change's seq is the message's version).
  const seqs = new Map<string, number>();
  const nextSeq = (roomId: string) => {
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    return seq;
  };
  return {
    index: es.index,
    newRoom: async () => uuidv7(),
    newSender: async () => uuidv7(),
    async send(roomId, content, createdAt, senderId = uuidv7()) {
      const seq = nextSeq(roomId);
      return {
        id: uuidv7(),
        roomId,
        seq,
        senderId,
        clientMsgId: `s${seq}`,
        content,
        contentType: 'text',
        replyTo: null,
        createdAt: createdAt.toISOString(),
      };
    },
    async change(message, change) {
      const at = new Date().toISOString();
      const version = nextSeq(message.roomId);
      return change.kind === 'edit'
        ? { ...message, content: change.content, editedAt: at, version }
        : { ...message, content: '', deletedAt: at, version };
    },
    close: es.close,
  };
});

describe('ElasticsearchSearchIndex specifics', () => {
  let es: Awaited<ReturnType<typeof openElasticsearch>>;
  before(async () => {
    es = await openElasticsearch();
  });
  after(async () => es?.close());

  test('a bulk request whose items Elasticsearch refuses throws, so the log hands the run over again', async () => {
    const roomId = uuidv7();
    const message = (seq: number, createdAt: string): Message => ({
      id: uuidv7(),
      roomId,
      seq,
      senderId: uuidv7(),
      clientMsgId: `b${seq}`,
      content: `bulk item ${seq}`,
      contentType: 'text',
      replyTo: null,
      createdAt,
    });
    const good = message(1, new Date().toISOString());
    // Answered 200 with `errors: true` and this item's document_parsing_exception: not to be lost silently.
    const bad = message(2, 'not a date');
    await assert.rejects(
      es.index.apply([
        { op: 'index', message: good },
        { op: 'index', message: bad },
      ]),
      /1 of 2 changes refused/,
    );
    // The other item went in; handed over again, it is a version conflict, which is no error.
    assert.deepEqual(
      (await es.index.search({ text: 'bulk', roomIds: [roomId], limit: 10 })).map((h) => h.message.id),
      [good.id],
    );
    await es.index.apply([{ op: 'index', message: good }]);
  });

  test('an index made before the "from" filter gets its sender field on start-up, and what is indexed since is found by sender', async () => {
    const name = `test-chat-messages-old-${randomBytes(4).toString('hex')}`;
    // The mapping as it was: senderId stored, not indexed, and no `sender`.
    await es.client.indices.create({
      index: name,
      mappings: {
        dynamic: false,
        properties: {
          roomId: { type: 'keyword' },
          content: { type: 'text', analyzer: 'standard', index_prefixes: { min_chars: 1, max_chars: 19 } },
          createdAt: { type: 'date' },
          seq: { type: 'long' },
          senderId: { type: 'keyword', index: false, doc_values: false },
        },
      },
    });
    try {
      const old = new ElasticsearchSearchIndex(es.client, { index: name, refreshOnWrite: true });
      await old.ready();
      const roomId = uuidv7();
      const senderId = uuidv7();
      const message: Message = {
        id: uuidv7(),
        roomId,
        seq: 1,
        senderId,
        clientMsgId: 'o1',
        content: 'older index',
        contentType: 'text',
        replyTo: null,
        createdAt: new Date().toISOString(),
      };
      await old.apply([{ op: 'index', message }]);
      const found = await old.search({ text: 'older', roomIds: [roomId], senderId, limit: 5 });
      assert.deepEqual(
        found.map((h) => h.message.id),
        [message.id],
      );
      assert.deepEqual(await old.search({ text: 'older', roomIds: [roomId], senderId: uuidv7(), limit: 5 }), []);
    } finally {
      await es.client.indices.delete({ index: name }, { ignore: [404] });
    }
  });
});
