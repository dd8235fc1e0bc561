import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomKind } from '@qc/shared';
import { adjacentRoom, adjacentUnreadRoom, sidebarOrder } from './room-order';

const room = (id: string, kind: RoomKind, unreadCount = 0) => ({ id, kind, unreadCount });

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
