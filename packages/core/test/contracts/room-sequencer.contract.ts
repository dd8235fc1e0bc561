import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoomSequencer } from '../../src/ports/room-sequencer.port';

/**
 * Every RoomSequencer adapter must pass this suite. `open` returns two sequencers as two
 * api nodes would hold them; an adapter meant for one process returns the same one twice.
 */
export function roomSequencerContract(name: string, open: () => Promise<{ a: RoomSequencer; b: RoomSequencer; close(): Promise<void> }>) {
  describe(`RoomSequencer contract: ${name}`, () => {
    let a: RoomSequencer;
    let b: RoomSequencer;
    let close: () => Promise<void>;
    before(async () => ({ a, b, close } = await open()));
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
  });
}
