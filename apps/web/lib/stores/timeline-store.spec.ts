import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryPage, RoomSyncResult } from '@qc/shared';
import { messageItem, updateItem } from './room-stream';
import { ManualClock, msg, ROOM, seqs, settle, update } from './spec-helpers';
import { TimelineStore, type TimelineSource } from './timeline-store';

/** A server whose answers the spec writes, recording what was asked. */
function fakeSource(history: HistoryPage, syncPages: RoomSyncResult[] = []) {
  const syncAsks: number[] = [];
  let connected = true;
  const source: TimelineSource = {
    history: async () => history,
    sync: async (_roomId, afterSeq) => {
      syncAsks.push(afterSeq);
      return syncPages.shift() ?? { messages: [], updates: [], hasMore: false };
    },
    isConnected: () => connected,
  };
  return { source, syncAsks, setConnected: (v: boolean) => void (connected = v) };
}

function makeStore(source: TimelineSource, roomLastSeq = 0) {
  const shown: number[] = [];
  const clock = new ManualClock();
  const store = new TimelineStore(
    source,
    {
      onShown: (_roomId, messages) => shown.push(...seqs(messages)),
      roomLastSeq: () => roomLastSeq,
      firstUnreadSeq: () => null,
    },
    clock.schedule,
  );
  return { store, shown, clock };
}

const fail = () => 'failed';

describe('TimelineStore', () => {
  it('loads the newest page and starts at its stream position', async () => {
    const { source, syncAsks } = fakeSource({ messages: [msg(1), msg(2, { version: 4 }), msg(3)], hasMore: false });
    const { store, shown } = makeStore(source, 4);
    await store.load(ROOM, fail);
    const t = store.get(ROOM)!;
    assert.equal(t.status, 'ready');
    assert.equal(t.lastSeq, 4);
    assert.deepEqual(shown, [1, 2, 3]);
    assert.deepEqual(syncAsks, [], 'the page is as new as the room: nothing to ask');
  });

  it('asks for the rest when the room is ahead of the page (a change after its newest message)', async () => {
    const { source, syncAsks } = fakeSource({ messages: [msg(1), msg(2)], hasMore: false }, [
      { messages: [], updates: [update(3, 1, { content: 'edited' })], hasMore: false },
    ]);
    const { store } = makeStore(source, 3);
    await store.load(ROOM, fail);
    await settle();
    assert.deepEqual(syncAsks, [2]);
    assert.equal(store.get(ROOM)!.messages[0]!.content, 'edited');
    assert.equal(store.get(ROOM)!.lastSeq, 3);
  });

  it('holds live items that arrive while the page loads, and applies them after it', async () => {
    let release: (page: HistoryPage) => void = () => undefined;
    const source: TimelineSource = {
      history: () => new Promise((resolve) => (release = resolve)),
      sync: async () => ({ messages: [], updates: [], hasMore: false }),
      isConnected: () => true,
    };
    const { store } = makeStore(source, 0);
    const loading = store.load(ROOM, fail);
    store.receive(ROOM, [messageItem(msg(3)), updateItem(update(4, 1, { content: 'edited' }))]);
    await settle(); // the page request is on its way
    release({ messages: [msg(1), msg(2)], hasMore: false });
    await loading;
    const t = store.get(ROOM)!;
    assert.deepEqual(seqs(t.messages), [1, 2, 3]);
    assert.equal(t.messages[0]!.content, 'edited');
    assert.equal(t.lastSeq, 4);
  });

  it('a gap over messages and updates syncs from the last contiguous seq, updates included', async () => {
    const { source, syncAsks } = fakeSource({ messages: [msg(1), msg(2)], hasMore: false }, [
      { messages: [msg(4)], updates: [update(3, 1, { content: 'edited' })], hasMore: false },
    ]);
    const { store } = makeStore(source, 2);
    await store.load(ROOM, fail);
    store.receive(ROOM, [updateItem(update(5, 2, { content: 'also edited' }))]);
    await settle();
    assert.deepEqual(syncAsks, [2]);
    const t = store.get(ROOM)!;
    assert.deepEqual(seqs(t.messages), [1, 2, 4]);
    assert.deepEqual(
      t.messages.map((m) => m.content),
      ['edited', 'also edited', 'message 4'],
    );
    assert.equal(t.lastSeq, 5);
    assert.equal(t.held.length, 0);
  });

  it('follows hasMore page after page', async () => {
    const { source, syncAsks } = fakeSource({ messages: [msg(1)], hasMore: false }, [
      { messages: [msg(2)], updates: [], hasMore: true },
      { messages: [msg(3)], updates: [], hasMore: false },
    ]);
    const { store } = makeStore(source, 1);
    await store.load(ROOM, fail);
    await store.sync(ROOM);
    assert.deepEqual(syncAsks, [1, 2]);
    assert.deepEqual(seqs(store.get(ROOM)!.messages), [1, 2, 3]);
  });

  it('retries a hole the server could not fill yet', async () => {
    const { source, syncAsks } = fakeSource({ messages: [msg(1)], hasMore: false }, [
      { messages: [], updates: [], hasMore: false },
      { messages: [msg(2)], updates: [], hasMore: false },
    ]);
    const { store, clock } = makeStore(source, 1);
    await store.load(ROOM, fail);
    store.receive(ROOM, [messageItem(msg(3))]);
    await settle();
    assert.deepEqual(syncAsks, [1]);
    clock.advance(2_000);
    await settle();
    assert.deepEqual(syncAsks, [1, 1]);
    assert.deepEqual(seqs(store.get(ROOM)!.messages), [1, 2, 3]);
  });

  it('an ack with an older state than an update already applied is ignored', async () => {
    const { source } = fakeSource({ messages: [msg(1)], hasMore: false });
    const { store } = makeStore(source, 1);
    await store.load(ROOM, fail);
    store.receive(ROOM, [updateItem(update(2, 1, { content: 'second' })), updateItem(update(3, 1, { content: 'third' }))]);
    store.applyState(ROOM, msg(1, { content: 'second', version: 2 }));
    assert.equal(store.get(ROOM)!.messages[0]!.content, 'third');
    store.applyState(ROOM, msg(1, { content: 'fourth', version: 4 }));
    assert.equal(store.get(ROOM)!.messages[0]!.content, 'fourth');
    assert.equal(store.get(ROOM)!.lastSeq, 3, 'an ack does not move the stream position');
  });

  it('keeps a failed load as an error with its text', async () => {
    const source: TimelineSource = {
      history: async () => Promise.reject(new Error('nope')),
      sync: async () => ({ messages: [], updates: [], hasMore: false }),
      isConnected: () => true,
    };
    const { store } = makeStore(source);
    await store.load(ROOM, (err) => (err instanceof Error ? err.message : 'x'));
    assert.equal(store.get(ROOM)!.status, 'error');
    assert.equal(store.get(ROOM)!.error, 'nope');
  });
});
