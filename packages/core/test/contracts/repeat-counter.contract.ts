import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RepeatCounter } from '../../src/ports/repeat-counter.port';

/**
 * Every RepeatCounter adapter must pass this suite against its real engine. `a` and `b` are
 * two api nodes' counters over the same store (one object in memory).
 */
export function repeatCounterContract(name: string, open: () => Promise<{ a: RepeatCounter; b: RepeatCounter; close(): Promise<void> }>) {
  describe(`RepeatCounter contract: ${name}`, () => {
    let a: RepeatCounter;
    let b: RepeatCounter;
    let close: () => Promise<void>;
    let n = 0;
    const key = () => `k-${process.pid}-${Date.now()}-${++n}`;
    before(async () => ({ a, b, close } = await open()));
    after(async () => close?.());

    test('counts distinct places; the same place again does not count twice', async () => {
      const k = key();
      assert.equal(await a.note(k, 'room-1', 60_000), 1);
      assert.equal(await a.note(k, 'room-1', 60_000), 1);
      assert.equal(await a.note(k, 'room-2', 60_000), 2);
      assert.equal(await a.note(k, 'room-3', 60_000), 3);
    });

    test('keys are counted apart', async () => {
      const [k1, k2] = [key(), key()];
      await a.note(k1, 'room-1', 60_000);
      await a.note(k1, 'room-2', 60_000);
      assert.equal(await a.note(k2, 'room-1', 60_000), 1);
    });

    test('two nodes count into one total', async () => {
      const k = key();
      assert.equal(await a.note(k, 'room-1', 60_000), 1);
      assert.equal(await b.note(k, 'room-2', 60_000), 2);
      assert.equal(await a.note(k, 'room-3', 60_000), 3);
    });

    test('places older than the window are forgotten', async () => {
      const k = key();
      await a.note(k, 'room-1', 300);
      await b.note(k, 'room-2', 300);
      await sleep(450);
      assert.equal(await a.note(k, 'room-3', 300), 1, 'the two earlier places fell out of the window');
    });
  });
}
