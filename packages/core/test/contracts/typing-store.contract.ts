import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { uuidv7 } from '../../src/lib/uuidv7';
import type { TypingStore } from '../../src/ports/typing.port';

/**
 * Every TypingStore adapter must pass this suite against its real engine. `a` and `b` are
 * two nodes' views of one store (the same object for a single-process adapter).
 */
export function typingStoreContract(name: string, open: () => Promise<{ a: TypingStore; b: TypingStore; close(): Promise<void> }>) {
  describe(`TypingStore contract: ${name}`, () => {
    let a: TypingStore;
    let b: TypingStore;
    let close: () => Promise<void>;
    before(async () => ({ a, b, close } = await open()));
    after(async () => close?.());

    /** Takes every expired mark, leaving the store's schedule empty of them for the next test. */
    const drain = async (store: TypingStore) => {
      const out = [];
      for (let batch = await store.takeExpired(100); batch.length; batch = await store.takeExpired(100)) out.push(...batch);
      return out;
    };

    test('a mark shows in its room only, and stopping it reports that it was there once', async () => {
      const [room, other, user] = [uuidv7(), uuidv7(), uuidv7()];
      await a.start({ roomId: room, userId: user }, 10_000);
      assert.deepEqual(await b.typingIn(room), [user]);
      assert.deepEqual(await b.typingIn(other), []);
      assert.equal(await b.stop({ roomId: room, userId: user }), true);
      assert.equal(await a.stop({ roomId: room, userId: user }), false, 'a second stop has nothing to announce');
      assert.deepEqual(await a.typingIn(room), []);
    });

    test('a mark not renewed runs out and is taken once; a renewed one stays', async () => {
      const room = uuidv7();
      const [gone, kept] = [uuidv7(), uuidv7()];
      await drain(a);
      await a.start({ roomId: room, userId: gone }, 300);
      await a.start({ roomId: room, userId: kept }, 300);
      await sleep(150);
      await b.start({ roomId: room, userId: kept }, 2_000); // the renewal lands on the other node
      await sleep(300);
      assert.deepEqual(await a.typingIn(room), [kept]);
      const taken = (await drain(b)).filter((m) => m.roomId === room);
      assert.deepEqual(taken, [{ roomId: room, userId: gone }]);
      assert.deepEqual(await drain(a), [], 'an expired mark is handed out once');
      assert.equal(await a.stop({ roomId: room, userId: gone }), false, 'its end was already announced by the taker');
      assert.equal(await a.stop({ roomId: room, userId: kept }), true);
    });

    test('a mark that ran out but was not taken yet still has a stop to announce, and then none to take', async () => {
      const mark = { roomId: uuidv7(), userId: uuidv7() };
      await a.start(mark, 50);
      await sleep(120);
      assert.deepEqual(await a.typingIn(mark.roomId), [], 'it no longer shows');
      assert.equal(await b.stop(mark), true);
      assert.deepEqual(
        (await drain(a)).filter((m) => m.roomId === mark.roomId),
        [],
      );
    });

    test('two nodes sweeping at once: every expired mark goes to exactly one of them', async () => {
      await drain(a);
      const room = uuidv7();
      const users = Array.from({ length: 40 }, () => uuidv7());
      await Promise.all(users.map((userId, i) => (i % 2 ? a : b).start({ roomId: room, userId }, 30)));
      await sleep(100);
      const rounds = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).takeExpired(7)));
      const rest = await drain(a);
      const taken = [...rounds.flat(), ...rest].filter((m) => m.roomId === room).map((m) => m.userId);
      assert.equal(taken.length, users.length, 'none lost, none twice');
      assert.deepEqual([...taken].sort(), [...users].sort());
      assert.ok(
        rounds.every((r) => r.length <= 7),
        'the limit is kept',
      );
    });
  });
}
