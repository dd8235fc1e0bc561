import { after, before, describe, test as nodeTest, type TestContext, type TestOptions } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import type { AppendResult, BatchAppendResult, MessageStore, NewMessage, SenderCursor } from '../../src/ports/message-store.port';
import type { RoomSequencer } from '../../src/ports/room-sequencer.port';
import { uuidv7 } from '../../src/lib/uuidv7';

export interface MessageStoreFixture {
  store: MessageStore;
  /**
   * A room the store can append to (adapters that keep the seq counter elsewhere create it
   * there), with `sender` in it and, when asked, `other` too.
   */
  newRoom(withOther?: boolean): Promise<string>;
  /** A sender id that exists wherever the adapter needs it to. */
  sender: string;
  /** A second sender, as `sender`: someone else in the same rooms. */
  other: string;
  /**
   * The room sequencer this store runs under in the distributed profile, when it hands a
   * scope the store works through (the PostgreSQL one), and how many connections the pool
   * shared by the store and the sequencer has. The suite then runs each test again with
   * every append inside the sequencer, given its scope.
   */
  scoped?: { sequencer: RoomSequencer; connections: number };
  close(): Promise<void>;
}

type TestFn = (t: TestContext) => void | Promise<void>;

/** Every MessageStore adapter must pass this suite against its real engine. */
export function messageStoreContract(name: string, open: () => Promise<MessageStoreFixture>) {
  describe(`MessageStore contract: ${name}`, () => {
    let f: MessageStoreFixture;
    before(async () => {
      f = await open();
    });
    after(async () => f?.close());

    const msg = (roomId: string, clientMsgId: string, content = clientMsgId): NewMessage => ({
      id: uuidv7(),
      roomId,
      senderId: f.sender,
      clientMsgId,
      content,
      contentType: 'text',
      replyTo: null,
      createdAt: new Date(),
    });

    for (const inScope of [false, true]) {
      describe(inScope ? "appending in the room sequencer's scope" : 'appending without a scope', () => {
        const append = (m: NewMessage): Promise<AppendResult> =>
          f.scoped && inScope ? f.scoped.sequencer.run(m.roomId, (scope) => f.store.append(m, scope)) : f.store.append(m);
        /** A test of this mode; in the scope's, skipped for a store that takes none. */
        const test = (title: string, ...rest: [TestFn] | [TestOptions, TestFn]) => {
          const [opts, fn] = rest.length === 2 ? rest : [{}, rest[0]];
          nodeTest(title, opts, (t) => (inScope && !f.scoped ? t.skip('this store takes no scope') : fn(t)));
        };

        test('appends get the next gap-free seq, also when they race', async () => {
          const room = await f.newRoom();
          const results = await Promise.all(Array.from({ length: 40 }, (_, i) => append(msg(room, `race-${i}`))));
          assert.deepEqual(
            results.map((r) => r.message.seq).sort((a, b) => a - b),
            Array.from({ length: 40 }, (_, i) => i + 1),
          );
          assert.ok(results.every((r) => r.created));
        });

        test('a repeated (room, sender, clientMsgId) returns the original, even concurrently', async () => {
          const room = await f.newRoom();
          const first = await append(msg(room, 'same', 'first text'));
          const again = await Promise.all([1, 2, 3].map(() => append(msg(room, 'same', 'other text'))));
          for (const r of again) {
            assert.equal(r.created, false);
            assert.equal(r.message.id, first.message.id);
            assert.equal(r.message.content, 'first text');
          }
          const next = await append(msg(room, 'next'));
          assert.equal(next.message.seq, 2, 'a duplicate must not use a seq');
          assert.equal((await f.store.findByClientMsgId(room, f.sender, 'same'))?.id, first.message.id);
          assert.equal(await f.store.findByClientMsgId(room, f.sender, 'never'), null);
        });

        const appendBatch = (ms: NewMessage[]): Promise<BatchAppendResult[]> =>
          f.scoped && inScope ? f.scoped.sequencer.run(ms[0]!.roomId, (scope) => f.store.appendBatch(ms, scope)) : f.store.appendBatch(ms);
        const created = (r: BatchAppendResult | undefined) => {
          assert.ok(r && !('refused' in r), 'committed');
          return r;
        };

        test('a batch commits in its order with consecutive seqs; repeats take no seq; a non-member is refused', async () => {
          const room = await f.newRoom();
          const before = created((await appendBatch([msg(room, 'b-old')]))[0]);
          const outsider = { ...msg(room, 'b-outsider'), senderId: uuidv7() };
          const results = await appendBatch([
            msg(room, 'b1'),
            msg(room, 'b-old', 'resent text'),
            outsider,
            msg(room, 'b2'),
            msg(room, 'b1', 'a resend inside the batch'),
            msg(room, 'b3'),
          ]);
          assert.deepEqual(
            results.map((r) => ('refused' in r ? r.refused : [r.message.clientMsgId, r.message.seq, r.created])),
            [['b1', 2, true], ['b-old', 1, false], 'not_member', ['b2', 3, true], ['b1', 2, false], ['b3', 4, true]],
          );
          assert.equal(created(results[1]).message.id, before.message.id);
          assert.equal(created(results[1]).message.content, 'b-old', 'a repeat answers with the original');
          assert.equal(created(results[4]).message.id, created(results[0]).message.id);
          assert.deepEqual(
            (await f.store.listAfter(room, 0, 10)).map((m) => [m.seq, m.clientMsgId]),
            [
              [1, 'b-old'],
              [2, 'b1'],
              [3, 'b2'],
              [4, 'b3'],
            ],
          );
          assert.equal(
            await f.store.findByClientMsgId(room, outsider.senderId, 'b-outsider'),
            null,
            'nothing of the refused send is stored',
          );
          const next = await append(msg(room, 'after'));
          assert.equal(next.message.seq, 5, 'the refused send took no seq');
        });

        test('a batch of only refused sends stores nothing and moves no seq; append refuses a non-member FORBIDDEN', async () => {
          const room = await f.newRoom();
          const stranger = uuidv7();
          const results = await appendBatch([1, 2].map((i) => ({ ...msg(room, `x${i}`), senderId: stranger })));
          assert.deepEqual(results, [{ refused: 'not_member' }, { refused: 'not_member' }]);
          await assert.rejects(append({ ...msg(room, 'x3'), senderId: stranger }), { code: 'FORBIDDEN' });
          assert.equal((await append(msg(room, 'first'))).message.seq, 1);
        });

        test('batches racing on one room stay gap-free, and a resend racing its original is stored once', async () => {
          const room = await f.newRoom();
          const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 5 }, (_, i) => msg(room, `r${b}-${i}`)));
          batches.push([msg(room, 'r0-0', 'the same send, resent')]);
          const results = (await Promise.all(batches.map((b) => appendBatch(b)))).flat().map(created);
          assert.equal(results.filter((r) => r.created).length, 40);
          assert.deepEqual(
            [...new Set(results.map((r) => r.message.seq))].sort((a, b) => a - b),
            Array.from({ length: 40 }, (_, i) => i + 1),
          );
          const resent = results.filter((r) => r.message.clientMsgId === 'r0-0');
          assert.equal(new Set(resent.map((r) => r.message.id)).size, 1);
        });

        test('listAfter and listBefore page in ascending order without overlap or gap', async () => {
          const room = await f.newRoom();
          for (let i = 1; i <= 25; i++) await append(msg(room, `p${i}`));
          assert.deepEqual(
            (await f.store.listAfter(room, 20, 100)).map((m) => m.seq),
            [21, 22, 23, 24, 25],
          );
          assert.deepEqual(
            (await f.store.listAfter(room, 0, 3)).map((m) => m.seq),
            [1, 2, 3],
          );
          assert.deepEqual(
            (await f.store.listBefore(room, null, 4)).map((m) => m.seq),
            [22, 23, 24, 25],
          );
          assert.deepEqual(
            (await f.store.listBefore(room, 3, 10)).map((m) => m.seq),
            [1, 2],
          );
          assert.deepEqual(await f.store.listAfter(room, 25, 10), []);
        });

        test('the stored message round-trips every field', async () => {
          const room = await f.newRoom();
          const m = { ...msg(room, 'fields', 'héllo <b>wörld</b> 🚀'), replyTo: uuidv7() };
          const { message } = await append(m);
          assert.deepEqual(message, {
            id: m.id,
            roomId: room,
            seq: 1,
            senderId: f.sender,
            clientMsgId: 'fields',
            content: 'héllo <b>wörld</b> 🚀',
            contentType: 'text',
            replyTo: m.replyTo,
            createdAt: m.createdAt.toISOString(),
          });
          assert.deepEqual((await f.store.listAfter(room, 0, 1))[0], message);
        });

        test("findByIds finds the room's messages by id as they were sent, and nothing of another room or unknown", async () => {
          const [room, other] = [await f.newRoom(), await f.newRoom()];
          const a = (await append(msg(room, 'by-id-a'))).message;
          const b = (await append(msg(room, 'by-id-b'))).message;
          const elsewhere = (await append(msg(other, 'by-id-c'))).message;
          const found = await f.store.findByIds(room, [b.id, a.id, elsewhere.id, uuidv7()]);
          assert.deepEqual(
            found.sort((x, y) => x.seq - y.seq),
            [a, b],
          );
          assert.deepEqual(await f.store.findByIds(room, []), []);
        });

        test("deleting a room's messages removes them all", async () => {
          const room = await f.newRoom();
          for (let i = 0; i < 3; i++) await append(msg(room, `d${i}`));
          await f.store.deleteRoomMessages(room);
          assert.deepEqual(await f.store.listAfter(room, 0, 10), []);
        });

        test("listBySender pages through one person's messages in every room by (room, seq), nobody else's", async () => {
          const [r1, r2, r3] = [await f.newRoom(true), await f.newRoom(true), await f.newRoom(true)];
          const mine: string[] = [];
          for (const room of [r1, r2, r3]) {
            for (let i = 0; i < 3; i++) {
              mine.push((await append(msg(room, `mine-${i}`))).message.id);
              await append({ ...msg(room, `theirs-${i}`), senderId: f.other });
            }
          }
          // Pages of 2 across 9 messages in 3 rooms: page ends fall inside rooms and on their edges.
          const got: Message[] = [];
          let cursor: SenderCursor | null = null;
          for (;;) {
            const page: Message[] = await f.store.listBySender(f.sender, cursor, 2);
            if (page.length === 0) break;
            assert.ok(page.length <= 2);
            got.push(...page);
            const last: Message = page[page.length - 1]!;
            cursor = { roomId: last.roomId, seq: last.seq };
          }
          const ours = new Set([r1, r2, r3]);
          // The fixture's sender may have sent in rooms of other tests: only these three rooms are checked.
          const here = got.filter((m) => ours.has(m.roomId));
          assert.deepEqual(here.map((m) => m.id).sort(), [...mine].sort());
          assert.ok(
            got.every((m) => m.senderId === f.sender),
            'only the asked sender',
          );
          const order = got.map((m) => [m.roomId, m.seq] as const);
          const sorted = [...order].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
          assert.deepEqual(order, sorted, 'ordered by (room, seq)');
          assert.equal(new Set(got.map((m) => m.id)).size, got.length, 'no message twice');
          const [one] = await f.store.findByIds(r2, [mine[4]!]);
          assert.deepEqual(
            here.find((m) => m.id === mine[4]),
            one,
            'as it was sent',
          );
          assert.deepEqual(await f.store.listBySender(uuidv7(), null, 10), []);
        });

        test('eraseContent blanks the text of the given messages only, keeping their place in the order', async () => {
          const room = await f.newRoom(true);
          const a = (await append(msg(room, 'erase-a', 'my secret'))).message;
          const b = (await append({ ...msg(room, 'erase-b', 'their words'), senderId: f.other })).message;
          const c = (await append(msg(room, 'erase-c', 'kept'))).message;
          await f.store.eraseContent(room, [a.id, uuidv7()]);
          await f.store.eraseContent(room, [a.id]);
          assert.deepEqual(
            (await f.store.listAfter(room, 0, 10)).map((m) => [m.seq, m.id, m.content]),
            [
              [a.seq, a.id, ''],
              [b.seq, b.id, 'their words'],
              [c.seq, c.id, 'kept'],
            ],
          );
          assert.equal((await f.store.findByIds(room, [a.id]))[0]?.content, '');
          assert.equal((await f.store.findByClientMsgId(room, f.sender, 'erase-a'))?.content, '');
          assert.equal((await f.store.listBySender(f.sender, { roomId: room, seq: 0 }, 1))[0]?.content, '');
          await f.store.eraseContent(room, []);
        });

        test('appends to more rooms at once than the pool has connections all commit', { timeout: 60_000 }, async (t) => {
          if (!f.scoped) return t.skip('this store takes no scope');
          // Each room's lock holds a connection; an append that asked the pool for another
          // would wait for ever once every connection held a lock (issue #8).
          const rooms = await Promise.all(Array.from({ length: f.scoped.connections * 3 }, () => f.newRoom()));
          const results = await Promise.all(rooms.flatMap((room) => [1, 2, 3].map((i) => append(msg(room, `busy-${i}`)))));
          assert.equal(results.filter((r) => r.created).length, rooms.length * 3);
          for (const room of rooms) {
            assert.deepEqual(
              results
                .filter((r) => r.message.roomId === room)
                .map((r) => r.message.seq)
                .sort((a, b) => a - b),
              [1, 2, 3],
            );
          }
        });
      });
    }
  });
}
