import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

/*
 * public/sw.js as a browser runs it: the file itself, evaluated in a context that plays the
 * service worker's globals (registration, clients), driven by push and click events.
 */

/** Objects made inside the worker's context have its prototypes: compared as plain data. */
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

const SW = readFileSync(path.resolve(__dirname, '../../../../public/sw.js'), 'utf8');
const ORIGIN = 'https://chat.example';

interface FakeWindow {
  url: string;
  posted: unknown[];
  focused: number;
  postMessage(m: unknown): void;
  focus(): Promise<FakeWindow>;
}

function windowAt(url: string): FakeWindow {
  const w: FakeWindow = {
    url,
    posted: [],
    focused: 0,
    postMessage: (m) => void w.posted.push(m),
    focus: async () => (w.focused++, w),
  };
  return w;
}

function worker(windows: FakeWindow[] = []) {
  const listeners = new Map<string, (event: unknown) => void>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const self = {
    addEventListener: (type: string, fn: (event: unknown) => void) => listeners.set(type, fn),
    skipWaiting: () => undefined,
    location: { origin: ORIGIN },
    registration: { showNotification: async (title: string, options: Record<string, unknown>) => void shown.push({ title, options }) },
    clients: {
      claim: async () => undefined,
      matchAll: async () => windows,
      openWindow: async (url: string) => void opened.push(url),
    },
  };
  vm.runInNewContext(SW, { self, URL, Date });
  const fire = async (type: string, event: Record<string, unknown>) => {
    const waits: Promise<unknown>[] = [];
    listeners.get(type)!({ ...event, waitUntil: (p: Promise<unknown>) => waits.push(p) });
    await Promise.all(waits);
  };
  return { fire, shown, opened, listens: [...listeners.keys()] };
}

const payload = {
  v: 1,
  roomId: 'r1',
  messageId: 'm1',
  seq: 7,
  title: '# general',
  body: 'Ann: lunch?',
  sender: 'Ann',
  mention: false,
  url: '/chat?room=r1&message=m1&seq=7',
};

describe('the service worker', () => {
  test('shows a push as one notification per room, carrying where a click goes', async () => {
    const sw = worker();
    assert.deepEqual(sw.listens.sort(), ['activate', 'install', 'notificationclick', 'push', 'pushsubscriptionchange']);
    await sw.fire('push', { data: { json: () => payload } });
    assert.equal(sw.shown.length, 1);
    const { title, options } = sw.shown[0]!;
    assert.equal(title, '# general');
    assert.equal(options.body, 'Ann: lunch?');
    assert.equal(options.tag, 'room:r1');
    assert.equal(options.renotify, true);
    assert.deepEqual(plain(options.data), { url: '/chat?room=r1&message=m1&seq=7', roomId: 'r1', messageId: 'm1', seq: 7 });
  });

  test('a push it cannot read still shows something (browsers require it), and never throws', async () => {
    const sw = worker();
    await sw.fire('push', { data: { json: () => JSON.parse('not json') } });
    await sw.fire('push', { data: null });
    assert.deepEqual(
      sw.shown.map((s) => [s.title, s.options.body]),
      [
        ['Quantum Chat', 'New message'],
        ['Quantum Chat', 'New message'],
      ],
    );
  });

  test("a click with the app open focuses it and tells it the message; with none open, opens the message's address", async () => {
    const other = windowAt('https://elsewhere.example/');
    const app = windowAt(`${ORIGIN}/chat?room=r0`);
    const open = worker([other, app]);
    let closed = 0;
    const notification = { data: { url: payload.url, roomId: 'r1', messageId: 'm1', seq: 7 }, close: () => closed++ };
    await open.fire('notificationclick', { notification });
    assert.equal(closed, 1);
    assert.deepEqual(plain(app.posted), [{ type: 'open-message', roomId: 'r1', messageId: 'm1', seq: 7 }]);
    assert.equal(app.focused, 1);
    assert.deepEqual(other.posted, [], "another site's window is never told");
    assert.deepEqual(open.opened, []);

    const none = worker([other]);
    await none.fire('notificationclick', { notification });
    assert.deepEqual(none.opened, [`${ORIGIN}/chat?room=r1&message=m1&seq=7`]);
  });

  test('a replaced subscription is handed to the open pages to register again', async () => {
    const app = windowAt(`${ORIGIN}/chat`);
    const sw = worker([app]);
    await sw.fire('pushsubscriptionchange', {});
    assert.deepEqual(plain(app.posted), [{ type: 'push-subscription-changed' }]);
  });
});
