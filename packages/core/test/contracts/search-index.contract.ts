import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, SearchHit } from '@qc/shared';
import type { SearchIndex } from '../../src/ports/search-index.port';

export interface SearchIndexFixture {
  index: SearchIndex;
  /** A room messages can be put in (adapters that keep a seq counter elsewhere create it there). */
  newRoom(): Promise<string>;
  /** Someone who can send (adapters whose history checks senders create them there). */
  newSender(): Promise<string>;
  /**
   * Sends a message: stores it where the adapter reads it (PostgreSQL: the history;
   * Elasticsearch reads nothing but its index) without handing it to the index yet. By a
   * sender of the fixture's own unless `senderId` is given.
   */
  send(roomId: string, content: string, createdAt: Date, senderId?: string): Promise<Message>;
  /** Edits or deletes a sent message there; returns its new state, as the log's update record carries it. */
  change(message: Message, change: { kind: 'edit'; content: string } | { kind: 'delete' }): Promise<Message>;
  close(): Promise<void>;
}

/** Every SearchIndex adapter must pass this suite against its real engine. */
export function searchIndexContract(name: string, open: () => Promise<SearchIndexFixture>) {
  describe(`SearchIndex contract: ${name}`, () => {
    let f: SearchIndexFixture;
    before(async () => {
      f = await open();
    });
    after(async () => f?.close());

    // Strictly increasing times: "newest first" must not depend on the clock's resolution.
    let clock = Date.parse('2025-01-01T00:00:00.000Z');
    const send = (roomId: string, content: string) => f.send(roomId, content, new Date((clock += 1000)));
    /** Sent and handed to the index, as the `indexer` consumer would. */
    const put = async (roomId: string, content: string) => {
      const message = await send(roomId, content);
      await f.index.apply([{ op: 'index', message }]);
      return message;
    };
    /** Sent at a given time and handed to the index. */
    const putAt = async (roomId: string, content: string, at: string, senderId?: string) => {
      const message = await f.send(roomId, content, new Date(at), senderId);
      await f.index.apply([{ op: 'index', message }]);
      return message;
    };
    const search = (text: string, roomIds: string[], limit = 20) => f.index.search({ text, roomIds, limit });
    const ids = (hits: SearchHit[]) => hits.map((h) => h.message.id);
    /** The marked words of a hit's snippet: what a client wraps in <mark>. */
    const marked = (hit: SearchHit | undefined) => (hit?.marks ?? []).map(([a, b]) => hit!.highlight!.slice(a, b));
    const cursorOf = (m: Message) => ({ createdAt: m.createdAt, roomId: m.roomId, seq: m.seq });

    test('finds a message by a word, whatever its case, and returns it whole with a plain-text snippet', async () => {
      const room = await f.newRoom();
      const report = await put(room, 'The quarterly REPORT is ready for review');
      await put(room, 'lunch at noon?');
      const hits = await search('report', [room]);
      assert.equal(hits.length, 1);
      assert.deepEqual(hits[0]!.message, report);
      assert.equal(hits[0]!.highlight, report.content, 'a short message is its own snippet');
      assert.deepEqual(marked(hits[0]), ['REPORT'], 'the matched word is marked, as it was written');
      assert.deepEqual(ids(await search('Quarterly', [room])), [report.id]);
      assert.deepEqual(await search('nothing-like-this', [room]), []);
    });

    test('a snippet is short plain text around the match, with no markup added and the match marked', async () => {
      const room = await f.newRoom();
      const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i}`).join(' ');
      await put(room, `${filler(60)} the needle is here ${filler(60)} <b>bold</b> as typed`);
      const [hit] = await search('needle', [room]);
      assert.ok(hit?.highlight, 'a snippet');
      assert.match(hit.highlight, /needle/);
      assert.ok(hit.highlight.length < 220, `short: ${hit.highlight.length} characters`);
      assert.doesNotMatch(hit.highlight, /<\/?em>/);
      assert.ok(![...hit.highlight].some((c) => c.charCodeAt(0) < 0x20), 'no markers or control characters left');
      assert.deepEqual(marked(hit), ['needle']);
    });

    test('a snippet keeps text that looks like markup, as it was typed', async () => {
      const room = await f.newRoom();
      const short = await put(room, 'is x<y and <b>needle</b> &amp; done?');
      const filler = (n: number) => Array.from({ length: n }, (_, i) => `filler${i}`).join(' ');
      const long = await put(room, `${filler(40)} if x<y and y>z then <b>needle</b> &amp; more ${filler(40)}`);
      const hits = await search('needle', [room]);
      const snippet = (m: Message) => hits.find((h) => h.message.id === m.id)?.highlight ?? '';
      assert.equal(snippet(short), short.content, 'a short message is its own snippet');
      assert.match(snippet(long), /y>z then <b>needle<\/b> &amp; more/);
      for (const hit of hits) assert.deepEqual(marked(hit), ['needle'], 'the marks count in the text as typed');
    });

    test('the start of a word finds the word, but not a word that merely contains it', async () => {
      const room = await f.newRoom();
      const hello = await put(room, 'hello world');
      await put(room, 'a shell script');
      const [typing] = await search('hel', [room]);
      assert.deepEqual(ids(typing ? [typing] : []), [hello.id]);
      assert.deepEqual(marked(typing), ['hello'], 'the word a prefix found is marked whole');
      const [both] = await search('hello wor', [room]);
      assert.deepEqual(marked(both), ['hello', 'world']);
      assert.deepEqual(ids(await search('wo', [room])), [hello.id]);
      assert.deepEqual(await search('hello xyz', [room]), [], 'every word must be there');
    });

    test("only the given rooms are searched: another room's match never leaks", async () => {
      const [a, b, c] = [await f.newRoom(), await f.newRoom(), await f.newRoom()];
      const inA = await put(a, 'the secret plan');
      const inB = await put(b, 'the secret plan');
      await put(c, 'the secret plan');
      assert.deepEqual(ids(await search('secret', [a])), [inA.id]);
      assert.deepEqual(ids(await search('secret', [b])), [inB.id]);
      assert.deepEqual(new Set(ids(await search('secret', [a, b]))), new Set([inA.id, inB.id]));
    });

    test('no rooms, nothing found', async () => {
      const room = await f.newRoom();
      await put(room, 'visible to no one');
      assert.deepEqual(await search('visible', []), []);
    });

    test('newest first, whatever matches better; limit caps the page', async () => {
      const room = await f.newRoom();
      const strong = await put(room, 'launch: the launch is today, launch!');
      const weak = await put(room, 'after lunch we talked about the budget, the hiring, the offsite plans and then briefly the launch');
      assert.deepEqual(ids(await search('launch', [room])), [weak.id, strong.id]);
      assert.deepEqual(ids(await search('launch', [room], 1)), [weak.id]);
    });

    test('hits sent in the same millisecond are ordered by room id, then seq, both descending', async () => {
      const [r1, r2] = [await f.newRoom(), await f.newRoom()];
      const at = '2025-06-01T12:00:00.000Z';
      const sent = [
        await putAt(r1, 'tie one', at),
        await putAt(r2, 'tie two', at),
        await putAt(r1, 'tie three', at),
        await putAt(r2, 'tie four', at),
      ];
      const expected = [...sent].sort((a, b) => (a.roomId === b.roomId ? b.seq - a.seq : a.roomId < b.roomId ? 1 : -1));
      assert.deepEqual(
        ids(await search('tie', [r1, r2])),
        expected.map((m) => m.id),
      );
    });

    test('a cursor pages through every hit once, in order, across rooms and equal times', async () => {
      const [r1, r2, r3] = [await f.newRoom(), await f.newRoom(), await f.newRoom()];
      const all: Message[] = [];
      for (let i = 0; i < 11; i++) {
        // Every third message shares its time with the one before, in another room.
        const at = new Date(Date.parse('2025-07-01T00:00:00.000Z') + Math.floor(i / 2) * 60_000).toISOString();
        all.push(await putAt([r1, r2, r3][i % 3]!, `paging word ${i}`, at));
      }
      const whole = ids(await search('paging word', [r1, r2, r3], 50));
      assert.equal(whole.length, 11);
      for (const size of [1, 2, 4, 5]) {
        const seen: string[] = [];
        let after: ReturnType<typeof cursorOf> | undefined;
        for (let pages = 0; pages < 20; pages++) {
          const page = await f.index.search({ text: 'paging word', roomIds: [r1, r2, r3], limit: size, after });
          seen.push(...ids(page));
          if (page.length < size) break;
          after = cursorOf(page[page.length - 1]!.message);
        }
        assert.deepEqual(seen, whole, `pages of ${size}`);
      }
      const last = all.find((m) => m.id === whole[whole.length - 1])!;
      assert.deepEqual(await f.index.search({ text: 'paging word', roomIds: [r1, r2, r3], limit: 5, after: cursorOf(last) }), []);
    });

    test('from a person: only what they sent, edited or not', async () => {
      const room = await f.newRoom();
      const [ann, bob] = [await f.newSender(), await f.newSender()];
      const annOld = await putAt(room, 'standup notes', '2025-08-01T09:00:00.000Z', ann);
      const bobs = await putAt(room, 'standup moved', '2025-08-01T09:01:00.000Z', bob);
      const annDraft = await putAt(room, 'draft', '2025-08-01T09:02:00.000Z', ann);
      const annEdited = await f.change(annDraft, { kind: 'edit', content: 'standup done' });
      await f.index.apply([{ op: 'index', message: annEdited }]);
      const from = (senderId: string) => f.index.search({ text: 'standup', roomIds: [room], senderId, limit: 20 });
      assert.deepEqual(ids(await from(ann)), [annDraft.id, annOld.id]);
      assert.deepEqual(ids(await from(bob)), [bobs.id]);
      assert.deepEqual(await from(await f.newSender()), [], 'someone who sent nothing');
      assert.deepEqual(ids(await search('standup', [room])), [annDraft.id, bobs.id, annOld.id], 'without the filter: everyone');
    });

    test('a time range: at or after sentFrom, before sentBefore, to the millisecond', async () => {
      const room = await f.newRoom();
      const at = (t: string) => putAt(room, `range ${t}`, t);
      const m1 = await at('2025-09-01T23:59:59.999Z');
      const m2 = await at('2025-09-02T00:00:00.000Z');
      const m3 = await at('2025-09-02T12:00:00.000Z');
      const m4 = await at('2025-09-03T00:00:00.000Z');
      const m5 = await at('2025-09-04T08:00:00.000Z');
      const range = (sentFrom?: string, sentBefore?: string) =>
        f.index.search({ text: 'range', roomIds: [room], sentFrom, sentBefore, limit: 20 }).then(ids);
      assert.deepEqual(await range('2025-09-02T00:00:00.000Z', '2025-09-03T00:00:00.000Z'), [m3.id, m2.id], 'one whole day');
      assert.deepEqual(await range('2025-09-02T00:00:00.000Z'), [m5.id, m4.id, m3.id, m2.id]);
      assert.deepEqual(await range(undefined, '2025-09-02T00:00:00.000Z'), [m1.id]);
      assert.deepEqual(await range('2025-09-05T00:00:00.000Z'), []);
      // With the other filters and a cursor: they all hold at once.
      const firstPage = await f.index.search({ text: 'range', roomIds: [room], sentFrom: '2025-09-02T00:00:00.000Z', limit: 2 });
      assert.deepEqual(ids(firstPage), [m5.id, m4.id]);
      const next = await f.index.search({
        text: 'range',
        roomIds: [room],
        sentFrom: '2025-09-02T00:00:00.000Z',
        sentBefore: '2025-09-04T00:00:00.000Z',
        after: cursorOf(m4),
        limit: 2,
      });
      assert.deepEqual(ids(next), [m3.id, m2.id]);
      assert.deepEqual(
        await f.index.search({
          text: 'range',
          roomIds: [room],
          senderId: await f.newSender(),
          sentFrom: '2025-09-02T00:00:00.000Z',
          limit: 5,
        }),
        [],
      );
    });

    test('indexing the same message again does not duplicate its hit', async () => {
      const room = await f.newRoom();
      const m = await put(room, 'redelivered record');
      await f.index.apply([{ op: 'index', message: m }]);
      await Promise.all([f.index.apply([{ op: 'index', message: m }]), f.index.apply([{ op: 'index', message: m }])]);
      assert.deepEqual(ids(await search('redelivered', [room])), [m.id]);
    });

    test("a room's run of changes is applied in one call, and a stale change redelivered after it undoes nothing", async () => {
      const room = await f.newRoom();
      const alpha = await send(room, 'alpha report');
      const bravo = await send(room, 'bravo draft');
      const charlie = await send(room, 'charlie memo');
      const delta = await send(room, 'delta notes');
      const bravoEdited = await f.change(bravo, { kind: 'edit', content: 'bravo final' });
      const charlieDeleted = await f.change(charlie, { kind: 'delete' });
      // delta was never indexed: removing it is a no-op, not an error.
      const deltaDeleted = await f.change(delta, { kind: 'delete' });
      await f.index.apply([
        { op: 'index', message: alpha },
        { op: 'index', message: bravo },
        { op: 'index', message: charlie },
        { op: 'index', message: bravoEdited },
        { op: 'remove', message: charlieDeleted },
        { op: 'remove', message: deltaDeleted },
      ]);
      const found = async () => ({
        alpha: ids(await search('alpha', [room])),
        final: (await search('final', [room])).map((h) => [h.message.id, h.message.content]),
        draft: ids(await search('draft', [room])),
        memo: ids(await search('memo', [room])),
        notes: ids(await search('notes', [room])),
      });
      const expected = { alpha: [alpha.id], final: [[bravo.id, 'bravo final']], draft: [], memo: [], notes: [] };
      assert.deepEqual(await found(), expected);
      // The log delivers at least once: the run's older records come again, alone.
      await f.index.apply([
        { op: 'index', message: bravo },
        { op: 'index', message: charlie },
      ]);
      assert.deepEqual(await found(), expected, 'the edit and the delete stand');
      await f.index.apply([]);
    });

    test("deleteRoom removes that room's hits and no other", async () => {
      const [gone, kept] = [await f.newRoom(), await f.newRoom()];
      for (let i = 0; i < 3; i++) await put(gone, `budget draft ${i}`);
      const k = await put(kept, 'budget final');
      await f.index.deleteRoom(gone);
      assert.deepEqual(ids(await search('budget', [gone, kept])), [k.id]);
      await f.index.deleteRoom(await f.newRoom()); // a room with nothing indexed
    });

    test('query-syntax and SQL characters are plain text: no error, no injection', async () => {
      const room = await f.newRoom();
      const odd = await put(room, `it's 50% off: (really) & more! "quoted" a|b`);
      const plan = await put(room, 'secret plans');
      const cat = await put(room, 'cat food');
      await put(room, 'dog toys');
      const nothing = [`'`, `"`, `*`, `:`, `&`, `|`, `!`, `(`, `)`, `\\`, `*:*`, `'"*:&|!(`, `<->`, `:*`, `%`, `_`, `?`, `~`, `/`];
      for (const q of nothing) assert.deepEqual(await search(q, [room]), [], `"${q}" finds nothing`);
      const injections = [
        `x | secret`, // not an OR
        `x or secret`,
        `cat or dog`,
        `'); DROP TABLE messages; --`,
        `secret') OR 1=1 --`,
        `zzz:* | secret:*`,
        `{"match_all":{}}`,
        `roomId:*`,
      ];
      for (const q of injections) assert.deepEqual(await search(q, [room]), [], `"${q}" finds nothing`);
      assert.deepEqual(ids(await search(`it's`, [room])), [odd.id]);
      assert.deepEqual(ids(await search(`(really`, [room])), [odd.id]);
      assert.deepEqual(ids(await search(`"quoted`, [room])), [odd.id]);
      assert.deepEqual(ids(await search(`-cat`, [room])), [cat.id], 'a leading "-" is not "without"');
      assert.deepEqual(ids(await search(`secret:*`, [room])), [plan.id]);
      assert.deepEqual(ids(await search(`secret & !plans`, [room])), [plan.id], '"!" is not "not": both words are there');
      assert.deepEqual(ids(await search('plans', [room])), [plan.id], 'the store is intact');
    });
  });
}
