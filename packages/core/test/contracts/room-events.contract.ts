import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RoomEventBus } from '../../src/ports/room-events.port';

/**
 * Every RoomEventBus adapter must pass this suite against its real engine. `a` and `b` are
 * two api nodes' buses (one object in process).
 */
export function roomEventsContract(name: string, open: () => Promise<{ a: RoomEventBus; b: RoomEventBus; close(): Promise<void> }>) {
  describe(`RoomEventBus contract: ${name}`, () => {
    let a: RoomEventBus;
    let b: RoomEventBus;
    let close: () => Promise<void>;
    const heardOnA: string[] = [];
    const heardOnB: string[] = [];
    before(async () => {
      ({ a, b, close } = await open());
      a.onChanged((roomId) => heardOnA.push(roomId));
      b.onChanged((roomId) => heardOnB.push(roomId));
      // A subscription reaches the engine asynchronously: wait until a first event goes through both ways.
      const probe = randomUUID();
      for (let i = 0; i < 100 && !(heardOnB.includes(probe) && heardOnA.includes(probe)); i++) {
        a.announceChanged(probe);
        b.announceChanged(probe);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(heardOnB.includes(probe) && heardOnA.includes(probe), 'the two nodes hear each other');
    });
    after(async () => close?.());

    test('the announcing node hears its own change at once, before the call returns', () => {
      const roomId = randomUUID();
      a.announceChanged(roomId);
      assert.ok(heardOnA.includes(roomId));
    });

    test('the other node hears every change, in the order announced', async () => {
      const rooms: string[] = Array.from({ length: 20 }, () => randomUUID());
      for (const roomId of rooms) a.announceChanged(roomId);
      for (let i = 0; i < 100 && !rooms.every((r) => heardOnB.includes(r)); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(
        heardOnB.filter((r) => rooms.includes(r)).filter((r, i, all) => all.indexOf(r) === i),
        rooms,
      );
    });
  });
}
