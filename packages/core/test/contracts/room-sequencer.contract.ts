import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoomSequencer, SequencerScope } from '../../src/ports/room-sequencer.port';

export interface RoomSequencerFixture {
  a: RoomSequencer;
  b: RoomSequencer;
  /**
   * For an adapter that hands its tasks a scope: what a store does with one (a query on its
   * connection), and how many connections `a` has for all its rooms. null for an adapter
   * that holds nothing and hands no scope.
   */
  scope: { use(scope: SequencerScope): Promise<void>; connections: number } | null;
  close(): Promise<void>;
}

/**
 * Every RoomSequencer adapter must pass this suite. `open` returns two sequencers as two
 * api nodes would hold them; an adapter meant for one process returns the same one twice.
 */
export function roomSequencerContract(name: string, open: () => Promise<RoomSequencerFixture>) {
  describe(`RoomSequencer contract: ${name}`, () => {
    let a: RoomSequencer;
    let b: RoomSequencer;
    let scope: RoomSequencerFixture['scope'];
    let close: () => Promise<void>;
    before(async () => ({ a, b, scope, close } = await open()));
    after(async () => close?.());

    test('tasks of one room never overlap, from either holder', async () => {
      const room = `room-${Date.now()}`;
      let running = 0;
      let maxRunning = 0;
      const order: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? a : b).run(room, async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            await sleep(5);
            order.push(i);
            running--;
          }),
        ),
      );
      assert.equal(maxRunning, 1);
      assert.equal(order.length, 12);
    });

    test('different rooms run side by side', async () => {
      let overlap = false;
      let running = 0;
      const task = async () => {
        running++;
        if (running > 1) overlap = true;
        await sleep(40);
        running--;
      };
      await Promise.all([a.run(`r1-${Date.now()}`, task), b.run(`r2-${Date.now()}`, task)]);
      assert.equal(overlap, true);
    });

    test('a failing task releases the room', async () => {
      const room = `fail-${Date.now()}`;
      await assert.rejects(
        a.run(room, async () => Promise.reject(new Error('boom'))),
        /boom/,
      );
      assert.equal(await b.run(room, async () => 'next'), 'next');
    });

    test('tasks work through the scope they are handed, with more busy rooms than connections', { timeout: 60_000 }, async () => {
      // With a scope, the task's work needs nothing more from the pool than the lock holds;
      // work that asked the pool for another connection would stall once every connection
      // held a room's lock.
      const rooms = Array.from({ length: (scope?.connections ?? 4) * 3 }, (_, i) => `busy-${i}-${Date.now()}`);
      const done: string[] = [];
      await Promise.all(
        rooms.flatMap((room) =>
          [1, 2, 3].map(() =>
            a.run(room, async (handed) => {
              if (scope) {
                assert.ok(handed, 'this adapter hands its tasks a scope');
                await scope.use(handed);
              } else {
                assert.equal(handed, undefined, 'this adapter holds nothing to hand over');
              }
              await sleep(2);
              done.push(room);
            }),
          ),
        ),
      );
      assert.equal(done.length, rooms.length * 3);
    });

    test('a scope cannot be used once its task is over', async (t) => {
      if (!scope) return t.skip('this adapter hands no scope');
      let leaked: SequencerScope | undefined;
      await a.run(`leak-${Date.now()}`, async (handed) => {
        leaked = handed;
      });
      // Its connection is back in the pool (another room's lock may hold it now).
      await assert.rejects(scope.use(leaked!));
    });
  });
}
