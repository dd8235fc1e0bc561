import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { desktopNotification, desktopUnreadCount } from '@qc/shared';
import { DesktopBadge, desktopNotificationFor, isDesktopBridge, personIsElsewhere } from './desktop-bridge';

const ROOM = '0b6a5f3e-8a1c-4a52-9d1f-3b2c1d0e9f8a';
const MESSAGE = '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a';

describe('the web app in the desktop shell', () => {
  test('a bridge is used only when it has the shape and version this page speaks', () => {
    const fn = () => undefined;
    assert.equal(isDesktopBridge({ version: 1, platform: 'linux', notify: fn, setUnreadCount: fn, onOpenMessage: fn }), true);
    assert.equal(isDesktopBridge({ version: 2, platform: 'linux', notify: fn, setUnreadCount: fn, onOpenMessage: fn }), false);
    assert.equal(isDesktopBridge({ version: 1, notify: 'x', setUnreadCount: fn, onOpenMessage: fn }), false);
    assert.equal(isDesktopBridge(undefined), false);
    assert.equal(isDesktopBridge(null), false);
  });

  test('a window behind others counts as away in the shell; in a browser only a hidden tab does', () => {
    assert.equal(personIsElsewhere({ visible: true, focused: false }, true), true);
    assert.equal(personIsElsewhere({ visible: true, focused: false }, false), false);
    assert.equal(personIsElsewhere({ visible: true, focused: true }, true), false);
    assert.equal(personIsElsewhere({ visible: false, focused: false }, false), true);
  });

  test('what the page asks the shell to show is what the shell accepts, however long the message', () => {
    const message = { roomId: ROOM, id: MESSAGE, seq: 12 };
    for (const text of [
      { title: 'Alice in #general', body: 'lunch?' },
      { title: 'A'.repeat(1000), body: 'b'.repeat(50_000) },
      { title: '   ', body: '' },
    ]) {
      const n = desktopNotificationFor(message, text);
      const parsed = desktopNotification.safeParse(n);
      assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
      assert.ok(n.title.length <= 256 && n.body.length <= 1024);
    }
    assert.equal(desktopNotificationFor(message, { title: ' ', body: '' }).title, 'Quantum Chat');
    assert.equal(desktopNotificationFor(message, { title: 'x'.repeat(300), body: '' }).title.at(-1), '…');
    assert.deepEqual(desktopNotificationFor(message, { title: 'A', body: 'b' }).target, { roomId: ROOM, messageId: MESSAGE, seq: 12 });
  });

  test('the badge crosses to the shell only when the count changes, in the shape it accepts', () => {
    const sent: unknown[] = [];
    const badge = new DesktopBadge({ setUnreadCount: (c) => void sent.push(c) });
    badge.show({ unread: 2, mentions: 0 });
    badge.show({ unread: 2, mentions: 0 });
    badge.show({ unread: 2, mentions: 1 });
    badge.show({ unread: 0, mentions: 0 });
    assert.deepEqual(sent, [
      { unread: 2, mentions: 0 },
      { unread: 2, mentions: 1 },
      { unread: 0, mentions: 0 },
    ]);
    assert.ok(sent.every((c) => desktopUnreadCount.safeParse(c).success));
  });
});
