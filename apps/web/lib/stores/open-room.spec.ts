import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenRoomReporter } from './open-room';
import { settle } from './spec-helpers';

/** A server side that answers room:open when the spec says, and remembers what it was told. */
function fakeServer(large: Set<string> = new Set()) {
  const calls: (string | null)[] = [];
  const pending: (() => void)[] = [];
  let offline = false;
  const tell = (roomId: string | null) => {
    calls.push(roomId);
    if (offline) return Promise.reject(new Error('offline'));
    return new Promise<{ pull: boolean }>((resolve) => pending.push(() => resolve({ pull: roomId !== null && large.has(roomId) })));
  };
  return {
    tell,
    calls,
    /** Answers every request made until the reporter has nothing more to ask. */
    answerAll: async () => {
      for (let quiet = 0; quiet < 3; quiet++) {
        await settle();
        while (pending.length) {
          quiet = 0;
          pending.shift()!();
          await settle();
        }
      }
    },
    setOffline: (v: boolean) => (offline = v),
  };
}

describe('OpenRoomReporter', () => {
  it('tells the server the room on screen; a large room answers "pull" once it is open', async () => {
    const server = fakeServer(new Set(['big']));
    const r = new OpenRoomReporter(server.tell);
    const big = r.set('big');
    await server.answerAll();
    assert.equal(await big, true);
    const small = r.set('small');
    await server.answerAll();
    assert.equal(await small, false);
    assert.deepEqual(server.calls, ['big', 'small']);
  });

  it('quick switches: one request at a time, and only the latest room is opened and answered "pull"', async () => {
    const server = fakeServer(new Set(['a', 'b', 'c']));
    const r = new OpenRoomReporter(server.tell);
    const a = r.set('a');
    const b = r.set('b');
    const c = r.set('c');
    await server.answerAll();
    assert.deepEqual(server.calls, ['a', 'c'], 'b was never told: c was wanted by the time a was answered');
    assert.deepEqual(await Promise.all([a, b, c]), [false, false, true]);
  });

  it('a new connection tells the room on screen again; leaving every room is told as null', async () => {
    const server = fakeServer(new Set(['big']));
    const r = new OpenRoomReporter(server.tell);
    void r.set('big');
    await server.answerAll();
    r.disconnected();
    const again = r.reconnected();
    await server.answerAll();
    await again;
    assert.deepEqual(server.calls, ['big', 'big']);
    void r.set(null);
    await server.answerAll();
    assert.deepEqual(server.calls, ['big', 'big', null]);
  });

  it('offline: the switch is not answered "pull", and the next connection tells it', async () => {
    const server = fakeServer(new Set(['big']));
    const r = new OpenRoomReporter(server.tell);
    server.setOffline(true);
    assert.equal(await r.set('big'), false);
    server.setOffline(false);
    const back = r.reconnected();
    await server.answerAll();
    await back;
    assert.deepEqual(server.calls, ['big', 'big']);
  });

  it('a fresh connection with no room on screen sends nothing', async () => {
    const server = fakeServer();
    const r = new OpenRoomReporter(server.tell);
    await r.reconnected();
    assert.deepEqual(server.calls, []);
  });
});
