import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Message, MyRoom, SearchHit, SearchResult } from '@qc/shared';
import { ApiHarness, call, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * `GET /search/messages` with its filters (room, from, after/before), paging by cursor and
 * marked snippets, against the real api: the embedded profile (PostgreSQL full-text) and
 * Elasticsearch fed by the in-process indexer (TEST_ELASTICSEARCH_URL, default the one
 * `npm run engines -- up elasticsearch` starts). What each engine finds is the SearchIndex
 * contract's business; this is the edge: parsing, membership, the cursor's round trip.
 */

type ErrorBody = { error: { code: string; message: string } };

function searchSuite(label: string, open: () => Promise<{ h: ApiHarness; searchable(): Promise<void>; close(): Promise<void> }>) {
  describe(`search filters over REST (${label})`, () => {
    let env: Awaited<ReturnType<typeof open>>;
    let a: TestUser, b: TestUser, outsider: TestUser;
    let group: MyRoom, other: MyRoom, elsewhere: MyRoom;
    /** What was sent, in order, by who and where. */
    const sent: Message[] = [];
    let n = 0;

    const send = async (socket: ClientSocket, roomId: string, content: string) => {
      const r = await call(socket, 'message:send', { roomId, clientMsgId: `s${++n}`, content });
      assert.equal(r.ok, true, JSON.stringify(r));
      sent.push(r.message as Message);
      // Apart by a few milliseconds, so each message has a time of its own to filter on.
      await sleep(5);
      return r.message as Message;
    };
    const search = (user: TestUser, query: Record<string, string>) =>
      env.h.http<SearchResult>('GET', `/search/messages?${new URLSearchParams(query).toString()}`, { token: user.accessToken });
    const contents = (hits: SearchHit[]) => hits.map((x) => x.message.content);

    // A and B share a group and a second room; an outsider has a room of their own.
    before(async () => {
      env = await open();
      const { h } = env;
      [a, b, outsider] = await Promise.all([h.user('searcha'), h.user('searchb'), h.user('searchout')]);
      group = await h.group(a, [b], 'Plans');
      other = await h.group(b, [a], 'Other');
      elsewhere = await h.group(outsider, [], 'Elsewhere');
      const [sa, sb, so] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken), h.connect(outsider.accessToken)]);
      await send(sa, group.id, 'budget draft by ann');
      await send(sb, group.id, 'budget review by bob');
      await send(sa, other.id, 'budget elsewhere by ann');
      await send(sb, group.id, 'budget final by bob');
      await send(so, elsewhere.id, 'budget of the outsider');
      for (let i = 0; i < 7; i++) await send(sa, other.id, `paged note ${i}`);
      await env.searchable();
    });
    after(async () => env?.close());

    test('newest first over my rooms, each hit with its matched words marked in a plain-text snippet', async () => {
      const r = await search(b, { q: 'budget' });
      assert.equal(r.status, 200);
      assert.deepEqual(contents(r.body.hits), [
        'budget final by bob',
        'budget elsewhere by ann',
        'budget review by bob',
        'budget draft by ann',
      ]);
      assert.equal(r.body.nextCursor, null);
      for (const hit of r.body.hits) {
        assert.equal(hit.highlight, hit.message.content);
        assert.deepEqual(
          hit.marks.map(([s, e]) => hit.highlight!.slice(s, e)),
          ['budget'],
        );
      }
    });

    test('from a person: only what they sent, in my rooms only', async () => {
      const fromA = await search(b, { q: 'budget', from: a.user.id });
      assert.deepEqual(contents(fromA.body.hits), ['budget elsewhere by ann', 'budget draft by ann']);
      const fromBInGroup = await search(a, { q: 'budget', from: b.user.id, roomId: group.id });
      assert.deepEqual(contents(fromBInGroup.body.hits), ['budget final by bob', 'budget review by bob']);
      // Asking for the outsider's messages shows none of their room to people not in it.
      assert.deepEqual((await search(a, { q: 'budget', from: outsider.user.id })).body.hits, []);
      assert.deepEqual(contents((await search(outsider, { q: 'budget', from: a.user.id })).body.hits), []);
    });

    test('after (inclusive) and before (exclusive), as date-times or whole days', async () => {
      const [draft, review, , final] = sent;
      const at = (m: Message, deltaMs = 0) => new Date(Date.parse(m.createdAt) + deltaMs).toISOString();
      const between = await search(a, { q: 'budget', roomId: group.id, after: at(review!), before: at(final!) });
      assert.deepEqual(contents(between.body.hits), ['budget review by bob']);
      const untilReview = await search(a, { q: 'budget', roomId: group.id, before: at(review!) });
      assert.deepEqual(contents(untilReview.body.hits), ['budget draft by ann']);
      const fromDraft = await search(a, { q: 'budget', roomId: group.id, after: at(draft!, 1) });
      assert.deepEqual(contents(fromDraft.body.hits), ['budget final by bob', 'budget review by bob']);
      // The same instant written in another zone means the same.
      const zoned = at(review!, 2 * 3_600_000).replace('Z', '+02:00');
      assert.deepEqual(contents((await search(a, { q: 'budget', roomId: group.id, before: zoned })).body.hits), ['budget draft by ann']);
      // Whole days (UTC): the day of the first message up to the day after the last one.
      const firstDay = draft!.createdAt.slice(0, 10);
      const dayAfter = new Date(Date.parse(final!.createdAt.slice(0, 10)) + 86_400_000).toISOString().slice(0, 10);
      assert.equal((await search(a, { q: 'budget', after: firstDay, before: dayAfter })).body.hits.length, 4);
      assert.deepEqual((await search(a, { q: 'budget', after: dayAfter })).body.hits, []);
    });

    test('a cursor pages through every hit once, newest first, and the last page has none', async () => {
      const notes = sent.filter((m) => m.content.startsWith('paged note')).reverse();
      const seen: string[] = [];
      let cursor: string | null = null;
      const pages: number[] = [];
      do {
        const query: Record<string, string> = { q: 'paged note', limit: '3' };
        if (cursor) query.cursor = cursor;
        const r = await search(a, query);
        assert.equal(r.status, 200);
        pages.push(r.body.hits.length);
        seen.push(...r.body.hits.map((x) => x.message.id));
        cursor = r.body.nextCursor;
      } while (cursor && pages.length < 10);
      assert.deepEqual(pages, [3, 3, 1]);
      assert.deepEqual(
        seen,
        notes.map((m) => m.id),
      );
      // A cursor is a place, not a permission: B, also in the room, pages on from it; the outsider finds nothing there.
      const first = await search(a, { q: 'paged note', limit: '3' });
      const next = first.body.nextCursor!;
      assert.deepEqual(
        (await search(b, { q: 'paged note', limit: '3', cursor: next })).body.hits.map((x) => x.message.id),
        seen.slice(3, 6),
      );
      assert.deepEqual((await search(outsider, { q: 'paged note', cursor: next })).body.hits, []);
    });

    test("someone else's room, by id, is FORBIDDEN; a room I left is no longer searched", async () => {
      const peek = await env.h.http<ErrorBody>('GET', `/search/messages?q=budget&roomId=${group.id}`, { token: outsider.accessToken });
      assert.equal(peek.status, 403);
      assert.equal(peek.body.error.code, 'FORBIDDEN');
      const leaver = await env.h.user('searchleaver');
      assert.equal(
        (await env.h.http('POST', `/rooms/${group.id}/members`, { token: a.accessToken, body: { userId: leaver.user.id } })).status,
        201,
      );
      assert.equal((await search(leaver, { q: 'budget' })).body.hits.length, 3, 'a new member finds what the room holds');
      assert.equal((await env.h.http('DELETE', `/rooms/${group.id}/members/${leaver.user.id}`, { token: leaver.accessToken })).status, 204);
      assert.deepEqual((await search(leaver, { q: 'budget' })).body.hits, []);
      assert.equal((await search(leaver, { q: 'budget', roomId: group.id })).status, 403);
    });

    test('bad filters are VALIDATION (400), never a 500, and name the parameter', async () => {
      const bad: [Record<string, string>, string][] = [
        [{ q: 'budget', from: 'bob' }, 'from'],
        [{ q: 'budget', after: 'yesterday' }, 'after'],
        [{ q: 'budget', after: '2025-02-30' }, 'after'],
        [{ q: 'budget', before: '03/01/2025' }, 'before'],
        [{ q: 'budget', before: '2025-03-01T10:00:00' }, 'before'],
        [{ q: 'budget', before: '2025-03-01T10:00:00Z; DROP TABLE messages' }, 'before'],
        [{ q: 'budget', after: '2025-03-02', before: '2025-03-01' }, 'after'],
        [{ q: 'budget', cursor: 'not-a-cursor' }, 'cursor'],
        [{ q: 'budget', cursor: `1.2.${'x'.repeat(36)}` }, 'cursor'],
        [{ q: 'budget', limit: '0' }, 'limit'],
      ];
      for (const [query, param] of bad) {
        const r = await env.h.http<ErrorBody>('GET', `/search/messages?${new URLSearchParams(query).toString()}`, { token: a.accessToken });
        assert.equal(r.status, 400, JSON.stringify(query));
        assert.equal(r.body.error.code, 'VALIDATION', JSON.stringify(query));
        assert.match(r.body.error.message, new RegExp(`^${param}:`), JSON.stringify(r.body));
      }
      const twice = await env.h.http<ErrorBody>('GET', `/search/messages?q=budget&from=${a.user.id}&from=${b.user.id}`, {
        token: a.accessToken,
      });
      assert.equal(twice.status, 400);
      assert.equal(twice.body.error.code, 'VALIDATION');
    });
  });
}

searchSuite('PostgreSQL full-text', async () => {
  const h = await ApiHarness.start();
  return { h, searchable: async () => undefined, close: () => h.stop() };
});

const esUrl = process.env.TEST_ELASTICSEARCH_URL ?? 'http://127.0.0.1:9200';
searchSuite('Elasticsearch', async () => {
  const index = `test-search-${randomBytes(4).toString('hex')}`;
  const h = await ApiHarness.start({ ELASTICSEARCH_URL: esUrl, ELASTICSEARCH_INDEX: index });
  return {
    h,
    // The indexer runs in-process but after the ack: wait until the last message is in, then refresh.
    searchable: async () => {
      for (let i = 0; i < 100; i++) {
        await fetch(`${esUrl}/${index}/_refresh`, { method: 'POST' });
        const r = await fetch(`${esUrl}/${index}/_count`);
        if (r.ok && ((await r.json()) as { count: number }).count >= 12) return;
        await sleep(100);
      }
      throw new Error('the indexer did not index the messages within 10 s');
    },
    close: async () => {
      await h.stop();
      await fetch(`${esUrl}/${index}`, { method: 'DELETE' });
    },
  };
});
