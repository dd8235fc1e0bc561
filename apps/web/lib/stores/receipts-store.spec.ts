import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveredReporter, ReceiptsStore, seenBy, tickFor } from './receipts-store';
import { ManualClock, ROOM, settle } from './spec-helpers';

const receipt = (userId: string, deliveredSeq: number, readSeq: number) => ({ roomId: ROOM, userId, deliveredSeq, readSeq });

describe('ReceiptsStore', () => {
  it('pointers only move forward', () => {
    const store = new ReceiptsStore();
    store.apply([receipt('bob', 5, 3)]);
    store.apply([receipt('bob', 4, 2)]); // a late event, or a REST snapshot older than the events
    assert.deepEqual(store.forRoom(ROOM)?.bob, { deliveredSeq: 5, readSeq: 3 });
    store.apply([receipt('bob', 4, 6)]);
    assert.deepEqual(store.forRoom(ROOM)?.bob, { deliveredSeq: 6, readSeq: 6 }, 'read implies delivered');
  });

  it('keeps its identity when a receipt moves nothing', () => {
    const store = new ReceiptsStore();
    store.apply([receipt('bob', 5, 3)]);
    const before = store.getState();
    store.apply([receipt('bob', 5, 3)]);
    assert.equal(store.getState(), before);
  });
});

describe('ticks and "Seen by"', () => {
  it('sent, delivered, read from the other person pointers', () => {
    assert.equal(tickFor(4, undefined), 'sent');
    assert.equal(tickFor(4, { deliveredSeq: 3, readSeq: 0 }), 'sent');
    assert.equal(tickFor(4, { deliveredSeq: 4, readSeq: 3 }), 'delivered');
    assert.equal(tickFor(4, { deliveredSeq: 9, readSeq: 4 }), 'read');
  });

  it('seen by: everyone but the sender whose read marker reached the message', () => {
    const pointers = { me: { deliveredSeq: 9, readSeq: 9 }, bob: { deliveredSeq: 9, readSeq: 7 }, carol: { deliveredSeq: 9, readSeq: 3 } };
    assert.deepEqual(seenBy(5, pointers, 'me'), ['bob']);
    assert.deepEqual(seenBy(8, pointers, 'me'), []);
  });
});

describe('DeliveredReporter', () => {
  it('coalesces a burst into one room:delivered with the highest seq', async () => {
    const clock = new ManualClock();
    const sent: [string, number][] = [];
    const reporter = new DeliveredReporter(async (roomId, seq) => void sent.push([roomId, seq]), 500, clock.schedule);
    reporter.note(ROOM, 1);
    reporter.note(ROOM, 2);
    reporter.note(ROOM, 3);
    assert.deepEqual(sent, []);
    clock.advance(500);
    assert.deepEqual(sent, [[ROOM, 3]]);
    reporter.note(ROOM, 2);
    reporter.note(ROOM, 3);
    clock.advance(500);
    assert.deepEqual(sent, [[ROOM, 3]], 'a pointer that did not move sends nothing');
    reporter.note(ROOM, 4);
    clock.advance(500);
    assert.deepEqual(sent, [
      [ROOM, 3],
      [ROOM, 4],
    ]);
    await settle();
  });

  it('after a failed send, the same seq can be sent again', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const reporter = new DeliveredReporter(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('offline');
      },
      500,
      clock.schedule,
    );
    reporter.note(ROOM, 3);
    clock.advance(500);
    await settle();
    reporter.note(ROOM, 3);
    clock.advance(500);
    assert.equal(calls, 2);
  });
});
