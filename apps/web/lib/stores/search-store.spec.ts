import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchHit, SearchMessagesParams, SearchResult } from '@qc/shared';
import { groupByRoom, NO_FILTERS, searchParams, SearchStore, TYPING_PAUSE_MS } from './search-store';
import { ManualClock, msg, settle } from './spec-helpers';

const hit = (seq: number, roomId = 'room-a'): SearchHit => ({
  message: msg(seq, { id: `${roomId}-${seq}`, roomId }),
  highlight: `message ${seq}`,
  marks: [[0, 7]],
});

/** A server whose answers the spec releases one by one, recording what was asked. */
function fakeServer() {
  const asked: SearchMessagesParams[] = [];
  const waiting: { resolve: (r: SearchResult) => void; reject: (e: Error) => void }[] = [];
  const request = (params: SearchMessagesParams) => {
    asked.push(params);
    return new Promise<SearchResult>((resolve, reject) => waiting.push({ resolve, reject }));
  };
  return { asked, waiting, request };
}

function makeSearch() {
  const server = fakeServer();
  const clock = new ManualClock();
  const store = new SearchStore(server.request, clock.schedule);
  return { server, clock, store };
}

describe('SearchStore', () => {
  it('typing asks once, after a pause, for what was typed last', async () => {
    const { server, clock, store } = makeSearch();
    store.open();
    for (const q of ['b', 'bu', 'bud']) {
      store.setQuery(q);
      clock.advance(TYPING_PAUSE_MS - 1);
    }
    assert.equal(server.asked.length, 0);
    clock.advance(1);
    assert.deepEqual(
      server.asked.map((p) => p.q),
      ['bud'],
    );
    assert.equal(store.getState().status, 'loading');
    server.waiting[0]!.resolve({ hits: [hit(3), hit(1)], nextCursor: null });
    await settle();
    const s = store.getState();
    assert.equal(s.status, 'ready');
    assert.equal(s.searched, 'bud');
    assert.deepEqual(
      s.hits.map((h) => h.message.seq),
      [3, 1],
    );
  });

  it('a slow answer to an earlier question never replaces the answer to a later one', async () => {
    const { server, store } = makeSearch();
    store.open('budget');
    store.setFilters({ roomId: 'room-b' });
    assert.equal(server.asked.length, 2);
    server.waiting[1]!.resolve({ hits: [hit(9, 'room-b')], nextCursor: null });
    await settle();
    server.waiting[0]!.resolve({ hits: [hit(1), hit(2)], nextCursor: 'c' });
    await settle();
    assert.deepEqual(
      store.getState().hits.map((h) => h.message.roomId),
      ['room-b'],
    );
    assert.equal(store.getState().nextCursor, null);
  });

  it('an empty box asks nothing and shows nothing', async () => {
    const { server, clock, store } = makeSearch();
    store.open('x');
    server.waiting[0]!.resolve({ hits: [hit(1)], nextCursor: null });
    await settle();
    store.setQuery('   ');
    clock.advance(TYPING_PAUSE_MS);
    assert.equal(server.asked.length, 1);
    assert.equal(store.getState().status, 'idle');
    assert.deepEqual(store.getState().hits, []);
  });

  it('more results come after the cursor, each hit once; the last page ends the list', async () => {
    const { server, store } = makeSearch();
    store.open('budget', { fromUserId: 'u1' });
    server.waiting[0]!.resolve({ hits: [hit(9), hit(8)], nextCursor: 'page-2' });
    await settle();
    const more = store.loadMore();
    assert.equal(store.getState().loadingMore, true);
    assert.equal(server.asked[1]!.cursor, 'page-2');
    assert.equal(server.asked[1]!.from, 'u1', 'the next page keeps the filters');
    server.waiting[1]!.resolve({ hits: [hit(8), hit(7)], nextCursor: null });
    await more;
    const s = store.getState();
    assert.deepEqual(
      s.hits.map((h) => h.message.seq),
      [9, 8, 7],
    );
    assert.equal(s.nextCursor, null);
    assert.equal(s.loadingMore, false);
    await store.loadMore();
    assert.equal(server.asked.length, 2, 'nothing after the last page');
  });

  it('a refused search shows its error, and asking again recovers', async () => {
    const { server, store } = makeSearch();
    store.open('budget');
    server.waiting[0]!.reject(new Error('after: must be an ISO 8601 date'));
    await settle();
    assert.equal(store.getState().status, 'error');
    assert.equal(store.getState().error, 'after: must be an ISO 8601 date');
    const again = store.submit();
    server.waiting[1]!.resolve({ hits: [], nextCursor: null });
    await again;
    assert.equal(store.getState().status, 'ready');
    assert.equal(store.getState().error, null);
  });

  it('a backwards date range is told at once, without asking the server', () => {
    const { server, store } = makeSearch();
    store.open('budget', { fromDay: '2025-03-05', toDay: '2025-03-01' });
    assert.equal(server.asked.length, 0);
    assert.equal(store.getState().status, 'error');
    assert.match(store.getState().error ?? '', /start date is after the end date/);
  });

  it('opening without a query keeps what was there, and counts the request (the box takes focus again)', async () => {
    const { server, store } = makeSearch();
    store.open('budget', { roomId: 'r' });
    server.waiting[0]!.resolve({ hits: [hit(1)], nextCursor: null });
    await settle();
    store.close();
    const before = store.getState().openCount;
    store.open();
    const s = store.getState();
    assert.equal(s.open, true);
    assert.equal(s.openCount, before + 1);
    assert.equal(s.query, 'budget');
    assert.equal(s.filters.roomId, 'r');
    assert.equal(s.hits.length, 1);
    assert.equal(server.asked.length, 1);
    store.reset();
    assert.equal(store.getState().query, '');
    assert.equal(store.getState().open, false);
  });
});

describe('searchParams', () => {
  it('turns local days into the instants the api takes: the start of the first day, the end of the last', () => {
    const p = searchParams(' budget ', { roomId: 'r', fromUserId: 'u', fromDay: '2025-03-01', toDay: '2025-03-03' }, 'cur');
    assert.deepEqual(p, {
      q: 'budget',
      limit: '20',
      roomId: 'r',
      from: 'u',
      after: new Date(2025, 2, 1).toISOString(),
      before: new Date(2025, 2, 4).toISOString(),
      cursor: 'cur',
    });
    assert.deepEqual(searchParams('x', NO_FILTERS), { q: 'x', limit: '20' });
    const oneDay = searchParams('x', { ...NO_FILTERS, fromDay: '2025-12-31', toDay: '2025-12-31' });
    assert.equal(oneDay.before, new Date(2026, 0, 1).toISOString(), 'the last day of a year ends in the next one');
  });
});

describe('groupByRoom', () => {
  it('groups hits by room, rooms in the order of their newest hit, hits kept in order', () => {
    const groups = groupByRoom([hit(9, 'b'), hit(8, 'a'), hit(7, 'b'), hit(6, 'c'), hit(5, 'a')]);
    assert.deepEqual(
      groups.map((g) => [g.roomId, g.hits.map((h) => h.message.seq)]),
      [
        ['b', [9, 7]],
        ['a', [8, 5]],
        ['c', [6]],
      ],
    );
  });
});
