import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomKind } from '@qc/shared';
import { adjacentRoom, adjacentUnreadRoom as nextUnread, hasUnreadToVisit, sidebarOrder } from './room-order';

const room = (id: string, kind: RoomKind, unreadCount = 0) => ({ id, kind, unreadCount });
const unread = (r: { unreadCount: number }) => r.unreadCount > 0;
const adjacentUnreadRoom = (order: readonly ReturnType<typeof room>[], current: string | null, step: 1 | -1) =>
  nextUnread(order, current, step, unread);

describe('sidebarOrder', () => {
  it('puts channels, then groups, then direct messages, each keeping the list order', () => {
    const rooms = [room('dm1', 'direct'), room('c1', 'channel'), room('g1', 'group'), room('c2', 'channel'), room('dm2', 'direct')];
    assert.deepEqual(
      sidebarOrder(rooms).map((r) => r.id),
      ['c1', 'c2', 'g1', 'dm1', 'dm2'],
    );
  });
});

describe('adjacentRoom', () => {
  const order = [room('a', 'channel'), room('b', 'channel'), room('c', 'group')];

  it('moves one room down or up', () => {
    assert.equal(adjacentRoom(order, 'a', 1), 'b');
    assert.equal(adjacentRoom(order, 'c', -1), 'b');
  });

  it('stops at the top and the bottom', () => {
    assert.equal(adjacentRoom(order, 'c', 1), null);
    assert.equal(adjacentRoom(order, 'a', -1), null);
  });

  it('with no room open (or one not in the list), down starts at the top and up at the bottom', () => {
    assert.equal(adjacentRoom(order, null, 1), 'a');
    assert.equal(adjacentRoom(order, null, -1), 'c');
    assert.equal(adjacentRoom(order, 'gone', 1), 'a');
    assert.equal(adjacentRoom([], null, 1), null);
  });
});

describe('adjacentUnreadRoom', () => {
  const order = [room('a', 'channel', 2), room('b', 'channel'), room('c', 'group', 1), room('d', 'direct'), room('e', 'direct')];

  it('finds the next unread room below or above, skipping read ones', () => {
    assert.equal(adjacentUnreadRoom(order, 'a', 1), 'c');
    assert.equal(adjacentUnreadRoom(order, 'd', -1), 'c');
  });

  it('goes round past the end and past the top', () => {
    assert.equal(adjacentUnreadRoom(order, 'd', 1), 'a');
    assert.equal(adjacentUnreadRoom(order, 'b', -1), 'a');
    assert.equal(adjacentUnreadRoom(order, 'a', -1), 'c');
  });

  it('never stays on the open room, even when it is the only unread one', () => {
    const alone = [room('a', 'channel'), room('b', 'channel', 5)];
    assert.equal(adjacentUnreadRoom(alone, 'b', 1), null);
    assert.equal(adjacentUnreadRoom(alone, 'b', -1), null);
    assert.equal(adjacentUnreadRoom(alone, 'a', 1), 'b');
  });

  it('is null when nothing is unread, and starts from the top or bottom with no room open', () => {
    assert.equal(adjacentUnreadRoom([room('a', 'channel'), room('b', 'group')], 'a', 1), null);
    assert.equal(adjacentUnreadRoom(order, null, 1), 'a');
    assert.equal(adjacentUnreadRoom(order, null, -1), 'c');
    assert.equal(adjacentUnreadRoom([], null, 1), null);
  });
});

describe('hasUnreadToVisit', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  const state = (unreadCount: number, mentionCount: number, level: 'all' | 'mentions' | 'none', mutedUntil: string | null = null) => ({
    unreadCount,
    mentionCount,
    notifications: { level, mutedUntil },
  });

  it('stops at rooms with unread messages, and passes over quiet ones as the sidebar shows them', () => {
    assert.equal(hasUnreadToVisit(state(3, 0, 'all'), now), true);
    assert.equal(hasUnreadToVisit(state(3, 0, 'mentions'), now), true);
    assert.equal(hasUnreadToVisit(state(0, 0, 'all'), now), false);
    assert.equal(hasUnreadToVisit(state(3, 0, 'none'), now), false);
    assert.equal(hasUnreadToVisit(state(3, 0, 'all', '2026-03-10T13:00:00Z'), now), false, 'muted for another hour');
    assert.equal(hasUnreadToVisit(state(3, 0, 'all', '2026-03-10T11:00:00Z'), now), true, 'the mute is over');
  });

  it('stops at a mention of me even in a quiet room', () => {
    assert.equal(hasUnreadToVisit(state(3, 1, 'none'), now), true);
    assert.equal(hasUnreadToVisit(state(3, 1, 'all', '2026-03-10T13:00:00Z'), now), true);
  });

  it('is what the unread walk uses to pass over muted rooms', () => {
    const rooms = [
      { id: 'a', ...state(0, 0, 'all') },
      { id: 'b', ...state(5, 0, 'none') },
      { id: 'c', ...state(2, 0, 'all') },
    ];
    assert.equal(
      nextUnread(rooms, 'a', 1, (r) => hasUnreadToVisit(r, now)),
      'c',
    );
  });
});
