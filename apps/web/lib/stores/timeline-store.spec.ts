import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryPage, Message, MessageUpdate, RoomSyncResult } from '@qc/shared';
import { messageItem, updateItem } from './room-stream';
import { ManualClock, msg, ROOM, seqs, settle, update } from './spec-helpers';
import { JUMP_WINDOW_SIDE, TimelineStore, type TimelineSource } from './timeline-store';

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

  it('asks for the page while the room is being made known (one round trip), and places it once both are done', async () => {
    const order: string[] = [];
    let knowRoom: () => void = () => undefined;
    const source: TimelineSource = {
      history: async () => {
        order.push('history asked');
        return { messages: [msg(1)], hasMore: false };
      },
      sync: async () => ({ messages: [], updates: [], hasMore: false }),
      isConnected: () => true,
    };
    const { store } = makeStore(source, 1);
    const loading = store.load(ROOM, fail, () => new Promise<void>((resolve) => (knowRoom = resolve)));
    await settle();
    assert.deepEqual(order, ['history asked'], 'the page is asked for before the room is known');
    assert.equal(store.get(ROOM)!.status, 'loading', 'but not placed before');
    knowRoom();
    await loading;
    assert.equal(store.get(ROOM)!.status, 'ready');
  });

  it('a room that cannot be made known (not mine) fails the load', async () => {
    const { source } = fakeSource({ messages: [msg(1)], hasMore: false });
    const { store } = makeStore(source, 1);
    await store.load(ROOM, fail, () => Promise.reject(new Error('FORBIDDEN')));
    assert.equal(store.get(ROOM)!.status, 'error');
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

/**
 * A room on the server side, with its one ordered stream: messages and changes to them share
 * the seq counter. History and sync answer from it as the api does (current states; history
 * by message seq, sync by stream seq), recording what was asked.
 */
class FakeRoom {
  private readonly stream: { seq: number; kind: 'message' | 'update'; id: string }[] = [];
  private readonly state = new Map<string, Message>();
  readonly asked: string[] = [];

  constructor(messages: number) {
    for (let i = 0; i < messages; i++) this.send();
  }

  get lastSeq(): number {
    return this.stream.length;
  }

  send(): Message {
    const m = msg(this.stream.length + 1);
    this.stream.push({ seq: m.seq, kind: 'message', id: m.id });
    this.state.set(m.id, m);
    return m;
  }

  edit(ofSeq: number, content: string): MessageUpdate {
    const seq = this.stream.length + 1;
    const before = this.state.get(`id-${ofSeq}`)!;
    const message = { ...before, content, version: seq };
    this.stream.push({ seq, kind: 'update', id: message.id });
    this.state.set(message.id, message);
    return { roomId: ROOM, seq, message };
  }

  private messages(): Message[] {
    return this.stream.filter((i) => i.kind === 'message').map((i) => this.state.get(i.id)!);
  }

  readonly source: TimelineSource = {
    history: async (_roomId, page) => {
      this.asked.push(page.before !== undefined ? `before ${page.before}` : page.after !== undefined ? `after ${page.after}` : 'newest');
      const all = this.messages();
      if (page.after !== undefined) {
        const newer = all.filter((m) => m.seq > page.after!);
        return { messages: newer.slice(0, page.limit), hasMore: newer.length > page.limit };
      }
      const older = all.filter((m) => page.before === undefined || m.seq < page.before);
      return { messages: older.slice(-page.limit), hasMore: older.length > page.limit };
    },
    sync: async (_roomId, afterSeq, limit) => {
      this.asked.push(`sync ${afterSeq}`);
      const items = this.stream.filter((i) => i.seq > afterSeq).slice(0, limit);
      return {
        messages: items.filter((i) => i.kind === 'message').map((i) => this.state.get(i.id)!),
        updates: items.filter((i) => i.kind === 'update').map((i) => ({ roomId: ROOM, seq: i.seq, message: this.state.get(i.id)! })),
        hasMore: this.stream.length > afterSeq + items.length,
      };
    },
    isConnected: () => true,
  };
}

function windowStore(room: FakeRoom) {
  return makeStore(room.source, room.lastSeq);
}

/** The timeline's seqs must run without a gap or a repeat from its first message to its last. */
function assertContiguous(t: { messages: readonly Message[] }, from: number, to: number) {
  assert.deepEqual(
    seqs(t.messages),
    Array.from({ length: to - from + 1 }, (_, i) => from + i),
  );
  assert.equal(new Set(t.messages.map((m) => m.id)).size, t.messages.length, 'no message twice');
}

describe('TimelineStore: a window opened far back', () => {
  it('loads the messages around the one jumped to, which is to be brought into view, and knows there are newer ones', async () => {
    const room = new FakeRoom(300);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-60', seq: 60 }, fail);
    const t = store.get(ROOM)!;
    assert.equal(t.status, 'ready');
    assertContiguous(t, 60 - JUMP_WINDOW_SIDE + 1, 60 + JUMP_WINDOW_SIDE);
    assert.equal(t.hasOlder, true);
    assert.equal(t.hasNewer, true);
    assert.equal(t.focus?.messageId, 'id-60');
    assert.deepEqual(room.asked.sort(), ['after 60', 'before 61']);
  });

  it('pages down until it meets the live end: no gap, no duplicate, with what came live meanwhile and the changes to what it shows', async () => {
    const room = new FakeRoom(300);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-100', seq: 100 }, fail);
    // While the window is far back, the room goes on: new messages and an edit to one on screen.
    const live = [room.send(), room.send()];
    const edit = room.edit(110, 'edited while away');
    store.receive(ROOM, [...live.map(messageItem), updateItem(edit)]);
    let t = store.get(ROOM)!;
    assert.equal(t.messages.find((m) => m.seq === 110)?.content, 'edited while away', 'a change to a message on screen shows at once');
    assert.ok(!t.messages.some((m) => m.seq > 125), 'live messages do not go below the window: there is a hole before them');
    assert.equal(t.lastSeq < 300, true);

    for (let pages = 0; store.get(ROOM)!.hasNewer && pages < 20; pages++) await store.loadNewer(ROOM);
    await settle();
    t = store.get(ROOM)!;
    assert.equal(t.hasNewer, false);
    assertContiguous(t, 76, 302);
    assert.equal(t.messages.find((m) => m.seq === 110)?.content, 'edited while away');
    assert.equal(t.lastSeq, 303, 'it continues from the stream, the edit included');
    assert.equal(t.held.length, 0);

    // Joined: the next live message goes straight in.
    const next = room.send();
    store.receive(ROOM, [messageItem(next)]);
    assert.equal(next.seq, 304, 'seq 303 was the edit');
    assert.deepEqual(seqs(store.get(ROOM)!.messages).slice(-3), [301, 302, 304]);
    assert.equal(store.get(ROOM)!.lastSeq, 304);
  });

  it('a change to a message in the window that never came live (the connection blinked) is replayed at the join', async () => {
    const room = new FakeRoom(300);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-100', seq: 100 }, fail);
    room.edit(110, 'edited unheard'); // seq 301: not received
    room.send(); // 302
    for (let pages = 0; store.get(ROOM)!.hasNewer && pages < 20; pages++) await store.loadNewer(ROOM);
    await settle();
    const t = store.get(ROOM)!;
    assert.equal(t.messages.find((m) => m.seq === 110)?.content, 'edited unheard');
    assert.deepEqual(seqs(t.messages).slice(-2), [300, 302]);
    assert.equal(t.lastSeq, 302);
  });

  it('a message sent while the last page is on its way is neither lost nor shown twice', async () => {
    const room = new FakeRoom(120);
    let releaseLast: () => void = () => undefined;
    const source: TimelineSource = {
      ...room.source,
      history: async (roomId, page) => {
        const answer = await room.source.history(roomId, page);
        // The page that reaches the end is read, then a message is sent and arrives live before the page does.
        if (page.after !== undefined && !answer.hasMore && page.after > 60) await new Promise<void>((resolve) => (releaseLast = resolve));
        return answer;
      },
    };
    const { store } = makeStore(source, room.lastSeq);
    await store.openAt(ROOM, { messageId: 'id-30', seq: 30 }, fail);
    await store.loadNewer(ROOM); // 56…105
    const last = store.loadNewer(ROOM); // 106…120, held back
    await settle();
    const raced = room.send();
    store.receive(ROOM, [messageItem(raced)]);
    releaseLast();
    await last;
    await settle();
    const t = store.get(ROOM)!;
    assert.equal(t.hasNewer, false);
    assertContiguous(t, 6, 121);
    assert.equal(t.lastSeq, 121);
  });

  it('a jump into the newest page is simply the live timeline', async () => {
    const room = new FakeRoom(40);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-35', seq: 35 }, fail);
    const t = store.get(ROOM)!;
    assert.equal(t.hasNewer, false);
    assertContiguous(t, 11, 40);
    assert.equal(t.lastSeq, 40);
    store.receive(ROOM, [messageItem(room.send())]);
    assertContiguous(store.get(ROOM)!, 11, 41);
  });

  it('a message already on screen is only brought into view again, without a request', async () => {
    const room = new FakeRoom(30);
    const { store } = windowStore(room);
    await store.load(ROOM, fail);
    room.asked.length = 0;
    await store.openAt(ROOM, { messageId: 'id-12', seq: 12 }, fail);
    const first = store.get(ROOM)!.focus;
    await store.openAt(ROOM, { messageId: 'id-12', seq: 12 }, fail);
    const second = store.get(ROOM)!.focus;
    assert.deepEqual(room.asked, []);
    assert.equal(first?.messageId, 'id-12');
    assert.notEqual(first?.key, second?.key, 'each jump is told apart, so each one scrolls');
  });

  it('pages up from the window like any timeline, and the newest page replaces it on request', async () => {
    const room = new FakeRoom(300);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-200', seq: 200 }, fail);
    await store.loadOlder(ROOM);
    assertContiguous(store.get(ROOM)!, 126, 225);
    await store.load(ROOM, fail);
    const t = store.get(ROOM)!;
    assert.equal(t.hasNewer, false);
    assert.equal(t.focus, null);
    assertContiguous(t, 251, 300);
  });

  it('a later open wins over a jump still loading', async () => {
    const room = new FakeRoom(300);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const source: TimelineSource = {
      ...room.source,
      history: async (roomId, page) => {
        if (page.before === 51 || page.after === 50) await gate;
        return room.source.history(roomId, page);
      },
    };
    const { store } = makeStore(source, room.lastSeq);
    const jump = store.openAt(ROOM, { messageId: 'id-50', seq: 50 }, fail);
    await store.load(ROOM, fail);
    release();
    await jump;
    const t = store.get(ROOM)!;
    assert.equal(t.hasNewer, false);
    assertContiguous(t, 251, 300);
  });

  it('no catch-up runs for a window (it has no place in the stream until it joins)', async () => {
    const room = new FakeRoom(300);
    const { store } = windowStore(room);
    await store.openAt(ROOM, { messageId: 'id-50', seq: 50 }, fail);
    room.asked.length = 0;
    await store.syncAll();
    assert.deepEqual(room.asked, []);
  });
});
