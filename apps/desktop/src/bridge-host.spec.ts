import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesktopOpenMessage, DesktopUnreadCount } from '@qc/shared';
import { BridgeHost } from './bridge-host';
import { isAppOrigin } from './navigation';

const APP = new URL('http://localhost:3000/');
const PAGE = 'http://localhost:3000/chat';
const ROOM = '0b6a5f3e-8a1c-4a52-9d1f-3b2c1d0e9f8a';
const MESSAGE = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';

function harness() {
  const shown: { title: string; body: string; silent: boolean; closed: boolean; click: () => void }[] = [];
  const badges: { count: DesktopUnreadCount; before: DesktopUnreadCount }[] = [];
  const opened: DesktopOpenMessage[] = [];
  const warnings: string[] = [];
  let focused = 0;
  const host = new BridgeHost({
    isAppOrigin: (url) => isAppOrigin(APP, url),
    showNotification: (n, onClick) => {
      const entry = { ...n, closed: false, click: onClick };
      shown.push(entry);
      return { close: () => void (entry.closed = true) };
    },
    showBadge: (count, before) => void badges.push({ count, before }),
    focusWindow: () => void focused++,
    openMessage: (target) => void opened.push(target),
    warn: (m) => void warnings.push(m),
  });
  return { host, shown, badges, opened, warnings, focused: () => focused };
}

const notification = (extra: Record<string, unknown> = {}) => ({
  title: 'Alice in #general',
  body: 'lunch?',
  silent: false,
  target: { roomId: ROOM, messageId: MESSAGE, seq: 42 },
  ...extra,
});

describe("the desktop bridge's main-process side", () => {
  test('a notification from the app shows; its click brings the window forward at the message', () => {
    const h = harness();
    assert.equal(h.host.notify(PAGE, notification()), true);
    assert.deepEqual(
      h.shown.map(({ title, body, silent }) => ({ title, body, silent })),
      [{ title: 'Alice in #general', body: 'lunch?', silent: false }],
    );
    h.shown[0]!.click();
    assert.equal(h.focused(), 1);
    assert.deepEqual(h.opened, [{ roomId: ROOM, messageId: MESSAGE, seq: 42 }]);
  });

  test('one notification per room: the next replaces the last', () => {
    const h = harness();
    h.host.notify(PAGE, notification());
    h.host.notify(PAGE, notification({ body: 'and coffee?' }));
    h.host.notify(PAGE, notification({ target: { roomId: MESSAGE, messageId: ROOM, seq: null } }));
    assert.deepEqual(
      h.shown.map((n) => [n.body, n.closed]),
      [
        ['lunch?', true],
        ['and coffee?', false],
        ['lunch?', false],
      ],
    );
    h.host.clear();
    assert.ok(h.shown.every((n) => n.closed));
  });

  test('calls from another origin are ignored and said so', () => {
    const h = harness();
    assert.equal(h.host.notify('https://evil.example/', notification()), false);
    assert.equal(h.host.setUnreadCount('https://evil.example/', { unread: 1, mentions: 0 }), false);
    assert.equal(h.host.notify('', notification()), false);
    assert.deepEqual([h.shown.length, h.badges.length], [0, 0]);
    assert.match(h.warnings[0]!, /quantumDesktop\.notify from https:\/\/evil\.example\/ was ignored/);
  });

  test('malformed calls are ignored and said so, never thrown', () => {
    const h = harness();
    for (const bad of [
      null,
      'text',
      notification({ title: '' }),
      notification({ title: 'x'.repeat(300) }),
      notification({ target: { roomId: '../etc', messageId: MESSAGE, seq: 1 } }),
      notification({ target: { roomId: ROOM, messageId: MESSAGE, seq: -1 } }),
      notification({ icon: 'file:///etc/passwd' }),
    ]) {
      assert.equal(h.host.notify(PAGE, bad), false);
    }
    for (const bad of [{ unread: -1, mentions: 0 }, { unread: 1.5, mentions: 0 }, { unread: '3', mentions: 0 }, {}]) {
      assert.equal(h.host.setUnreadCount(PAGE, bad), false);
    }
    assert.deepEqual([h.shown.length, h.badges.length, h.warnings.length], [0, 0, 11]);
  });

  test('the badge is redrawn only when the count changes, with what it was before', () => {
    const h = harness();
    h.host.setUnreadCount(PAGE, { unread: 2, mentions: 0 });
    h.host.setUnreadCount(PAGE, { unread: 2, mentions: 0 });
    h.host.setUnreadCount(PAGE, { unread: 3, mentions: 1 });
    assert.deepEqual(h.badges, [
      { count: { unread: 2, mentions: 0 }, before: { unread: 0, mentions: 0 } },
      { count: { unread: 3, mentions: 1 }, before: { unread: 2, mentions: 0 } },
    ]);
    assert.deepEqual(h.host.unreadCount, { unread: 3, mentions: 1 });
  });
});
