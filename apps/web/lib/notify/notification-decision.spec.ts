import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message, RoomNotifications } from '@qc/shared';
import { countForBadge, decideNotification, mentionsMe, titleWithUnread, type NotificationContext } from './notification-decision';

const ME = '0190a0b0-0000-7000-8000-0000000000aa';
const OTHER = '0190a0b0-0000-7000-8000-0000000000bb';

function msg(extra: Partial<Message> = {}): Message {
  return {
    id: '0190a0b0-0000-7000-8000-000000000001',
    roomId: '0190a0b0-0000-7000-8000-0000000000cc',
    seq: 1,
    senderId: OTHER,
    clientMsgId: 'c1',
    content: 'hello',
    contentType: 'text',
    replyTo: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    ...extra,
  };
}
const now = new Date('2026-12-01T10:00:01.000Z');
const ctx = (extra: Partial<NotificationContext> = {}): NotificationContext => ({
  meId: ME,
  roomKind: 'channel',
  settings: { level: 'all', mutedUntil: null },
  tabHidden: true,
  lookingAtRoom: false,
  now,
  ...extra,
});
const level = (l: RoomNotifications['level'], mutedUntil: string | null = null): RoomNotifications => ({ level: l, mutedUntil });

describe('mentionsMe', () => {
  it('trusts the server’s list when the message has one (thread participants are only there)', () => {
    assert.equal(mentionsMe(msg({ mentions: { userIds: [ME], everyone: false } }), ME), true);
    assert.equal(mentionsMe(msg({ mentions: { userIds: [], everyone: true } }), ME), true);
    assert.equal(mentionsMe(msg({ content: `<@${ME}>`, mentions: { userIds: [], everyone: false } }), ME), false, 'the list wins');
  });
  it('reads the text when the message came without a list (history, catch-up)', () => {
    assert.equal(mentionsMe(msg({ content: `hey <@${ME}>` }), ME), true);
    assert.equal(mentionsMe(msg({ content: '@channel' }), ME), true);
    assert.equal(mentionsMe(msg({ content: `\`<@${ME}>\`` }), ME), false, 'code is not a mention');
    assert.equal(mentionsMe(msg({ content: `hey <@${OTHER}>` }), ME), false);
  });
});

describe('decideNotification: level × mention × hidden tab × muted', () => {
  const mention = msg({ mentions: { userIds: [ME], everyone: false } });
  const plain = msg();
  it('never for my own message, a deleted one, or a room I am looking at in a visible tab', () => {
    assert.deepEqual(decideNotification(msg({ senderId: ME }), ctx()), { tell: false, why: 'mine' });
    assert.deepEqual(decideNotification(msg({ deletedAt: now.toISOString() }), ctx()), { tell: false, why: 'deleted' });
    assert.deepEqual(decideNotification(mention, ctx({ lookingAtRoom: true, tabHidden: false })), { tell: false, why: 'seen' });
    assert.deepEqual(decideNotification(mention, ctx({ lookingAtRoom: true, tabHidden: true })), {
      tell: true,
      mention: true,
      desktop: true,
    });
  });
  const cases: [RoomNotifications['level'], 'channel' | 'direct', Message, boolean][] = [
    ['all', 'channel', plain, true],
    ['all', 'channel', mention, true],
    ['mentions', 'channel', plain, false],
    ['mentions', 'channel', mention, true],
    ['mentions', 'direct', plain, true],
    ['none', 'channel', mention, false],
    ['none', 'direct', plain, false],
  ];
  for (const [l, kind, m, tells] of cases)
    it(`level ${l} in a ${kind}, ${m === mention ? 'a mention' : 'a plain message'}: ${tells ? 'told' : 'not told'}`, () => {
      const d = decideNotification(m, ctx({ settings: level(l), roomKind: kind }));
      assert.equal(d.tell, tells);
      if (!d.tell) assert.equal(d.why, 'level');
    });
  it('muted until later: nothing, mentions included; a mute that ended: told again', () => {
    assert.deepEqual(decideNotification(mention, ctx({ settings: level('all', '2026-12-01T11:00:00.000Z') })), {
      tell: false,
      why: 'muted',
    });
    assert.equal(decideNotification(mention, ctx({ settings: level('all', '2026-12-01T09:00:00.000Z') })).tell, true);
  });
  it('a desktop notification only while the tab is hidden; in a visible tab, the badge only', () => {
    assert.deepEqual(decideNotification(mention, ctx({ tabHidden: false })), { tell: true, mention: true, desktop: false });
    assert.deepEqual(decideNotification(mention, ctx({ tabHidden: true })), { tell: true, mention: true, desktop: true });
  });
});

describe('the title and badge', () => {
  const room = (kind: 'channel' | 'direct', unreadCount: number, mentionCount: number, n: RoomNotifications) => ({
    kind,
    unreadCount,
    mentionCount,
    notifications: n,
  });
  it('count what may tell: all rooms their unread, mentions-only rooms their mentions (DMs all), muted and none nothing', () => {
    const counted = countForBadge(
      [
        room('channel', 5, 0, level('all')),
        room('channel', 40, 2, level('mentions')),
        room('direct', 3, 0, level('mentions')),
        room('channel', 9, 4, level('none')),
        room('channel', 7, 1, level('all', '2026-12-02T00:00:00.000Z')),
      ],
      now,
    );
    assert.deepEqual(counted, { unread: 5 + 2 + 3, mentions: 2 });
  });
  it('the title says how many, and marks mentions', () => {
    assert.equal(titleWithUnread('Quantum Chat', 0, 0), 'Quantum Chat');
    assert.equal(titleWithUnread('Quantum Chat', 3, 0), '(3) Quantum Chat');
    assert.equal(titleWithUnread('Quantum Chat', 3, 1), '(3) @ Quantum Chat');
    assert.equal(titleWithUnread('Quantum Chat', 250, 0), '(99+) Quantum Chat');
  });
});
