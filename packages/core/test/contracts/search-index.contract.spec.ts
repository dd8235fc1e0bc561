import { randomBytes } from 'node:crypto';
import type { Message } from '@qc/shared';
import { createElasticsearchClient, ElasticsearchSearchIndex } from '../../src/adapters/elasticsearch/elasticsearch-search-index.adapter';
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
  const sender = uuidv7();
  await meta.createUser({ id: sender, username: `searcher${Date.now()}`, displayName: 'Searcher', passwordHash: 'x' });
  let n = 0;
  return {
    index,
    newRoom: () => createGroupRoom(meta, sender, [], 'search'),
    async put(roomId, content, createdAt) {
      const { message } = await store.append({
        id: uuidv7(),
        roomId,
        senderId: sender,
        clientMsgId: `s${++n}`,
        content,
        contentType: 'text',
        replyTo: null,
        createdAt,
      });
      await index.index(message);
      return message;
    },
    close: db.stop,
  };
});

const esUrl = process.env.TEST_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';

searchIndexContract('elasticsearch', async () => {
  const client = createElasticsearchClient(esUrl);
  // This run's own index, so runs never see each other's documents; deleted at the end.
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
  const seqs = new Map<string, number>();
  return {
    index,
    newRoom: async () => uuidv7(),
    async put(roomId, content, createdAt) {
      const seq = (seqs.get(roomId) ?? 0) + 1;
      seqs.set(roomId, seq);
      const message: Message = {
        id: uuidv7(),
        roomId,
        seq,
        senderId: uuidv7(),
        clientMsgId: `s${seq}`,
        content,
        contentType: 'text',
        replyTo: null,
        createdAt: createdAt.toISOString(),
      };
      await index.index(message);
      return message;
    },
    async close() {
      await client.indices.delete({ index: index.indexName }, { ignore: [404] });
      await client.close();
    },
  };
});
