import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@qc/shared';
import { loadOutbox, OutboxSaver, outboxStorageKey } from './outbox-persistence';
import { OutboxStore, type Outbox, type OutboxTransport, type PendingMessage } from './outbox-store';
import { MemoryStorage, msg, ROOM, settle } from './spec-helpers';

const OTHER_ROOM = '00000000-0000-4000-8000-000000000002';

/** A server that stores each clientMsgId once, and a switch for the connection. */
function fakeServer() {
  const stored = new Map<string, Message>();
  const attempts: string[] = [];
  let connected = false;
  const transport: OutboxTransport = {
    isConnected: () => connected,
    send: async ({ clientMsgId, content, roomId }) => {
      attempts.push(clientMsgId);
      const message = stored.get(clientMsgId) ?? msg(stored.size + 1, { clientMsgId, content, roomId, senderId: 'me' });
      stored.set(clientMsgId, message);
      return message;
    },
  };
  return { transport, stored, attempts, connect: () => void (connected = true) };
}

/** One page load of the chat client: an outbox restored from storage and written through to it. */
function pageLoad(storage: MemoryStorage, server: ReturnType<typeof fakeServer>, userId = 'me', prefix = 'load') {
  let n = 0;
  const restored = loadOutbox(storage, userId);
  const saver = new OutboxSaver(storage, userId, restored);
  const outbox: OutboxStore = new OutboxStore(
    server.transport,
    { onStored: (m) => outbox.settle(m.roomId, [m]), onNotice: () => undefined },
    { newId: () => `${prefix}-${(n += 1)}`, restored },
  );
  outbox.subscribe(() => saver.save(outbox.getState()));
  return { outbox, saver };
}

const stored = (storage: MemoryStorage, userId = 'me') => JSON.parse(storage.getItem(outboxStorageKey(userId)) ?? '[]') as PendingMessage[];

describe('outbox kept across reloads', () => {
  it('messages written offline survive a reload and are sent on the next connect, in order, under the ids they were written with', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const first = pageLoad(storage, server, 'me', 'before-reload');
    first.outbox.send(ROOM, 'one');
    first.outbox.send(OTHER_ROOM, 'elsewhere');
    first.outbox.send(ROOM, 'two');
    first.outbox.stop();

    const second = pageLoad(storage, server, 'me', 'after-reload');
    assert.deepEqual(
      second.outbox.forRoom(ROOM).map((p) => [p.clientMsgId, p.content, p.status]),
      [
        ['before-reload-1', 'one', 'pending'],
        ['before-reload-3', 'two', 'pending'],
      ],
    );
    server.connect();
    second.outbox.resendAfterReconnect();
    for (let i = 0; i < 4; i += 1) await settle();
    assert.deepEqual(server.attempts, ['before-reload-1', 'before-reload-2', 'before-reload-3']);
    assert.deepEqual(second.outbox.getState(), {});
    assert.equal(storage.getItem(outboxStorageKey('me')), null, 'nothing left once all are stored');
  });

  it('a message stored just before the reload (its ack lost) goes again under its one id and is stored once', async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const first = pageLoad(storage, server);
    first.outbox.send(ROOM, 'did it land?');
    // The server stored it; the page went before the answer came.
    await server.transport.send({ roomId: ROOM, clientMsgId: 'load-1', content: 'did it land?' });
    first.outbox.stop();

    const second = pageLoad(storage, server);
    server.connect();
    second.outbox.resendAfterReconnect();
    await settle();
    assert.deepEqual(server.attempts, ['load-1', 'load-1']);
    assert.equal(server.stored.size, 1);
    assert.deepEqual(second.outbox.getState(), {});
  });

  it('keeps a failed message failed (with its reason) across a reload', () => {
    const storage = new MemoryStorage();
    const failed: PendingMessage = {
      clientMsgId: 'refused-1',
      roomId: ROOM,
      content: 'no',
      createdAt: new Date(0).toISOString(),
      status: 'failed',
      error: { code: 'FORBIDDEN', message: 'you are not a member of this room' },
    };
    storage.setItem(outboxStorageKey('me'), JSON.stringify([failed]));
    assert.deepEqual(loadOutbox(storage, 'me'), { [ROOM]: [failed] });
  });

  it("two tabs of one person: each writes only its own changes, so neither drops the other's unsent messages", async () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    const tabA = pageLoad(storage, server, 'me', 'a');
    const tabB = pageLoad(storage, server, 'me', 'b');
    tabA.outbox.send(ROOM, 'from A');
    tabB.outbox.send(ROOM, 'from B');
    assert.deepEqual(
      stored(storage).map((p) => p.clientMsgId),
      ['a-1', 'b-1'],
    );
    tabB.outbox.discard(ROOM, 'b-1');
    assert.deepEqual(
      stored(storage).map((p) => p.clientMsgId),
      ['a-1'],
    );
  });

  it('is kept per person, ignores what it cannot read, and clear leaves nothing', () => {
    const storage = new MemoryStorage();
    const server = fakeServer();
    pageLoad(storage, server, 'someone-else').outbox.send(ROOM, 'theirs');
    assert.deepEqual(loadOutbox(storage, 'me'), {});

    const good: PendingMessage = { clientMsgId: 'ok-1', roomId: ROOM, content: 'fine', createdAt: 'x', status: 'pending', error: null };
    storage.setItem(
      outboxStorageKey('me'),
      JSON.stringify([{ clientMsgId: 7 }, good, { ...good, status: 'sent' }, null, { ...good, content: 'same id twice' }]),
    );
    assert.deepEqual(loadOutbox(storage, 'me'), { [ROOM]: [good] } satisfies Outbox);
    storage.setItem(outboxStorageKey('me'), '{oops');
    assert.deepEqual(loadOutbox(storage, 'me'), {});

    const { outbox, saver } = pageLoad(storage, server);
    outbox.send(ROOM, 'private');
    saver.clear();
    assert.equal(storage.getItem(outboxStorageKey('me')), null);
  });
});
