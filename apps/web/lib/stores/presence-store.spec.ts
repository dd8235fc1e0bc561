import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '@qc/shared';
import { PresenceStore, TypingNotifier } from './presence-store';
import { ManualClock, ROOM } from './spec-helpers';

function makeStore() {
  const clock = new ManualClock();
  return { store: new PresenceStore('me', clock.schedule), clock };
}

describe('PresenceStore: typing', () => {
  it('lists people in the order they started, and never me', () => {
    const { store } = makeStore();
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    store.typingEvent({ roomId: ROOM, userId: 'me', isTyping: true });
    store.typingEvent({ roomId: ROOM, userId: 'carol', isTyping: true });
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    assert.deepEqual(store.getState().typing[ROOM], ['bob', 'carol']);
  });

  it('expires a "typing" that is not renewed within the TTL', () => {
    const { store, clock } = makeStore();
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    clock.advance(LIMITS.typingTtlMs - 1);
    assert.deepEqual(store.getState().typing[ROOM], ['bob']);
    clock.advance(1);
    assert.deepEqual(store.getState().typing[ROOM], []);
  });

  it('a renewal pushes the expiry back', () => {
    const { store, clock } = makeStore();
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    clock.advance(LIMITS.typingTtlMs - 1000);
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    clock.advance(2000);
    assert.deepEqual(store.getState().typing[ROOM], ['bob']);
    clock.advance(LIMITS.typingTtlMs);
    assert.deepEqual(store.getState().typing[ROOM], []);
  });

  it('"stopped typing" and a landed message clear the line at once', () => {
    const { store } = makeStore();
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: true });
    store.typingEvent({ roomId: ROOM, userId: 'bob', isTyping: false });
    assert.deepEqual(store.getState().typing[ROOM], []);
    store.typingEvent({ roomId: ROOM, userId: 'carol', isTyping: true });
    store.stoppedTyping(ROOM, 'carol');
    assert.deepEqual(store.getState().typing[ROOM], []);
  });
});

describe('PresenceStore: presence', () => {
  it('a room snapshot never overwrites a presence already known from an event', () => {
    const { store } = makeStore();
    store.setPresence('bob', 'offline');
    const room = { peer: { id: 'bob' }, peerPresence: 'online' } as Parameters<PresenceStore['seedFromRooms']>[0][number];
    const other = { peer: { id: 'carol' }, peerPresence: 'away' } as Parameters<PresenceStore['seedFromRooms']>[0][number];
    store.seedFromRooms([room, other]);
    assert.equal(store.getState().presence.bob, 'offline');
    assert.equal(store.getState().presence.carol, 'away');
  });

  it('keeps its identity when nothing changed', () => {
    const { store } = makeStore();
    store.setPresence('bob', 'online');
    const before = store.getState();
    store.setPresence('bob', 'online');
    store.setMany([['bob', 'online']]);
    assert.equal(store.getState(), before);
  });
});

describe('TypingNotifier', () => {
  it('tells the room at most every 2 s, and "stopped" once', () => {
    let now = 0;
    const sent: [string, boolean][] = [];
    const notifier = new TypingNotifier(
      (roomId, isTyping) => sent.push([roomId, isTyping]),
      () => now,
    );
    notifier.keystroke(ROOM);
    now = 1_000;
    notifier.keystroke(ROOM);
    now = 2_000;
    notifier.keystroke(ROOM);
    notifier.stopped(ROOM);
    notifier.stopped(ROOM);
    assert.deepEqual(sent, [
      [ROOM, true],
      [ROOM, true],
      [ROOM, false],
    ]);
  });
});
