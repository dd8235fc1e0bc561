import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSearchCursor, type Message, type SearchHit } from '@qc/shared';
import { PostgresMetadataStore } from '../../src/adapters/postgres/postgres-metadata.adapter';
import { isAppError } from '../../src/errors';
import { uuidv7 } from '../../src/lib/uuidv7';
import type { SearchIndex, SearchQuery } from '../../src/ports/search-index.port';
import { startTestDatabase, type TestDatabase } from '../support/test-database';
import { SearchService } from '../../src/services/search.service';
import { createGroupRoom } from '../support/fixtures';

/*
 * Membership filtering of SearchService on the real PostgresMetadataStore. The index is a
 * fake that records what it was asked and answers with whatever the test puts in it: what
 * the adapters find is the SearchIndex contract's business, not this spec's.
 */

class FakeSearchIndex implements SearchIndex {
  readonly asked: SearchQuery[] = [];
  answer: SearchHit[] = [];
  async apply(): Promise<void> {}
  async deleteRoom(): Promise<void> {}
  async search(q: SearchQuery): Promise<SearchHit[]> {
    this.asked.push(q);
    return this.answer;
  }
}

const hitIn = (roomId: string): SearchHit => {
  const message: Message = {
    id: uuidv7(),
    roomId,
    seq: 1,
    senderId: uuidv7(),
    clientMsgId: 'c1',
    content: 'found',
    contentType: 'text',
    replyTo: null,
    createdAt: new Date().toISOString(),
  };
  return { message, highlight: 'found', marks: [[0, 5]] };
};

let db: TestDatabase;
let meta: PostgresMetadataStore;
let index: FakeSearchIndex;
let service: SearchService;

async function user() {
  const id = uuidv7();
  await meta.createUser({ id, username: `u${id.slice(-12)}`, displayName: 'U', passwordHash: 'x' });
  return id;
}
const room = (owner: string, others: string[] = []) => createGroupRoom(meta, owner, others, 'r');

before(async () => {
  db = await startTestDatabase();
  meta = new PostgresMetadataStore(db.ds);
});
after(async () => {
  await db?.stop();
});

describe('SearchService on PostgreSQL metadata', () => {
  before(() => {
    index = new FakeSearchIndex();
    service = new SearchService(meta, index);
  });

  test("without roomId it searches exactly the person's rooms", async () => {
    const [me, other] = [await user(), await user()];
    const mine = await room(me);
    const shared = await room(other, [me]);
    await room(other); // not mine
    index.asked.length = 0;
    index.answer = [hitIn(mine)];
    const res = await service.search(me, { q: 'found', limit: 20 });
    assert.deepEqual(res, { hits: index.answer, nextCursor: null });
    assert.equal(index.asked.length, 1);
    assert.deepEqual(new Set(index.asked[0]!.roomIds), new Set([mine, shared]));
    assert.equal(index.asked[0]!.text, 'found');
    assert.equal(index.asked[0]!.limit, 21, 'one more than the page, to know whether another follows');
  });

  test('with roomId of one of my rooms it searches only that room', async () => {
    const me = await user();
    const [one] = [await room(me), await room(me)];
    index.asked.length = 0;
    await service.search(me, { q: 'x', roomId: one, limit: 5 });
    assert.deepEqual(index.asked[0]!.roomIds, [one]);
  });

  test('with roomId of a room I am not in it is FORBIDDEN and the index is not asked', async () => {
    const [me, other] = [await user(), await user()];
    const theirs = await room(other);
    index.asked.length = 0;
    await assert.rejects(service.search(me, { q: 'x', roomId: theirs, limit: 5 }), (e) => isAppError(e) && e.code === 'FORBIDDEN');
    await assert.rejects(service.search(me, { q: 'x', roomId: uuidv7(), limit: 5 }), (e) => isAppError(e) && e.code === 'FORBIDDEN');
    assert.equal(index.asked.length, 0);
  });

  test('a room I left is no longer searched', async () => {
    const [me, other] = [await user(), await user()];
    const left = await room(other, [me]);
    const stay = await room(me);
    await meta.removeMember(left, me);
    index.asked.length = 0;
    await service.search(me, { q: 'x', limit: 5 });
    assert.deepEqual(index.asked[0]!.roomIds, [stay]);
    await assert.rejects(service.search(me, { q: 'x', roomId: left, limit: 5 }), (e) => isAppError(e) && e.code === 'FORBIDDEN');
  });

  test('someone in no room gets no hits without asking the index', async () => {
    const me = await user();
    index.asked.length = 0;
    assert.deepEqual(await service.search(me, { q: 'x', limit: 5 }), { hits: [], nextCursor: null });
    assert.equal(index.asked.length, 0);
  });

  test('a hit from a room outside the asked ones is dropped, not trusted', async () => {
    const [me, other] = [await user(), await user()];
    const mine = await room(me);
    const theirs = await room(other);
    const good = hitIn(mine);
    index.answer = [hitIn(theirs), good];
    assert.deepEqual(await service.search(me, { q: 'x', limit: 5 }), { hits: [good], nextCursor: null });
  });

  test('the filters reach the index as asked: sender, time range and where the page before ended', async () => {
    const [me, other] = [await user(), await user()];
    const mine = await room(me, [other]);
    index.asked.length = 0;
    index.answer = [];
    const cursor = { createdAt: '2025-03-01T10:00:00.000Z', roomId: mine, seq: 7 };
    await service.search(me, {
      q: 'x',
      from: other,
      after: '2025-03-01T00:00:00.000Z',
      before: '2025-03-02T00:00:00.000Z',
      cursor,
      limit: 5,
    });
    assert.deepEqual(index.asked[0], {
      text: 'x',
      roomIds: [mine],
      senderId: other,
      sentFrom: '2025-03-01T00:00:00.000Z',
      sentBefore: '2025-03-02T00:00:00.000Z',
      after: cursor,
      limit: 6,
    });
  });

  test('a page is cut at the limit and its cursor names its last hit, even when that hit is dropped as not mine', async () => {
    const [me, other] = [await user(), await user()];
    const mine = await room(me);
    const theirs = await room(other);
    const hits = [hitIn(mine), hitIn(mine), hitIn(theirs), hitIn(mine)];
    index.answer = hits;
    const res = await service.search(me, { q: 'x', limit: 3 });
    assert.deepEqual(res.hits, hits.slice(0, 2));
    assert.equal(res.nextCursor, encodeSearchCursor(hits[2]!.message));
    index.answer = hits.slice(0, 3);
    assert.equal((await service.search(me, { q: 'x', limit: 3 })).nextCursor, null, 'no more than the page: no cursor');
  });
});
