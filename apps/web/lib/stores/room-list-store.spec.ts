import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MyRoom } from '@qc/shared';
import { RoomListStore } from './room-list-store';
import { msg, ROOM } from './spec-helpers';

function room(extra: Partial<MyRoom> = {}): MyRoom {
  return {
    id: ROOM,
    kind: 'direct',
    name: 'Bob',
    topic: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'u-bob',
    lastSeq: 2,
    memberCount: 2,
    role: 'member',
    readSeq: 2,
    unreadCount: 0,
    mentionCount: 0,
    notifications: { level: 'all', mutedUntil: null },
    lastMessage: null,
    peer: null,
    peerPresence: null,
    ...extra,
  };
}

function makeStore(looking = false) {
  const store = new RoomListStore('me', () => looking);
  store.replaceAll([room()]);
  return store;
}

describe('RoomListStore', () => {
  it('counts new messages from others as unread, once each', () => {
    const store = makeStore();
    store.noteMessages(ROOM, [msg(3), msg(4, { senderId: 'me' })]);
    store.noteMessages(ROOM, [msg(3)]);
    assert.equal(store.byId(ROOM)!.unreadCount, 1);
    assert.equal(store.byId(ROOM)!.lastSeq, 4);
  });

  it('nothing is unread in the room being looked at', () => {
    const store = makeStore(true);
    store.noteMessages(ROOM, [msg(3)]);
    assert.equal(store.byId(ROOM)!.unreadCount, 0);
  });

  it('an edit or a reaction moves the room seq but is nothing new to read', () => {
    const store = makeStore();
    store.noteMessages(ROOM, [msg(3)]);
    store.noteUpdate(ROOM, 4, msg(3, { content: 'edited', version: 4 }));
    assert.equal(store.byId(ROOM)!.unreadCount, 1);
    assert.equal(store.byId(ROOM)!.lastSeq, 4);
    assert.equal(store.byId(ROOM)!.lastMessage?.content, 'edited', 'the preview follows its message');
  });

  it('read markers only move forward', () => {
    const store = makeStore();
    store.noteMessages(ROOM, [msg(3), msg(4), msg(5)]);
    store.markRead(ROOM, 4);
    assert.equal(store.byId(ROOM)!.unreadCount, 1);
    store.markRead(ROOM, 3);
    assert.equal(store.byId(ROOM)!.readSeq, 4);
    store.markRead(ROOM, 5);
    assert.equal(store.byId(ROOM)!.unreadCount, 0);
  });

  it('a fresh list older than what arrived live keeps the live state', () => {
    const store = makeStore();
    store.noteMessages(ROOM, [msg(3)]);
    store.replaceAll([room()]);
    assert.equal(store.byId(ROOM)!.lastSeq, 3);
    assert.equal(store.byId(ROOM)!.unreadCount, 1);
  });

  it('remembers the room taken away', () => {
    const store = makeStore();
    store.remove(ROOM);
    assert.equal(store.getState().removedRoomId, ROOM);
    assert.equal(store.rooms.length, 0);
  });

  it('room:activity of a large room marks it unread from my read marker up to its seq, forward only', () => {
    const store = makeStore();
    assert.equal(store.noteActivity(ROOM, 7), true);
    assert.equal(store.byId(ROOM)!.lastSeq, 7);
    assert.equal(store.byId(ROOM)!.unreadCount, 5, 'read up to 2, the room at 7');
    assert.equal(store.noteActivity(ROOM, 6), false, 'an older one is nothing new');
    assert.equal(store.byId(ROOM)!.unreadCount, 5);
  });

  it('messages a sync brings after room:activity move the preview, not the count', () => {
    const store = makeStore();
    store.noteActivity(ROOM, 4);
    store.noteMessages(ROOM, [msg(3), msg(4)]);
    assert.equal(store.byId(ROOM)!.unreadCount, 2);
    assert.equal(store.byId(ROOM)!.lastMessage?.seq, 4);
    store.noteMessages(ROOM, [msg(5)]);
    assert.equal(store.byId(ROOM)!.unreadCount, 3, 'a new one counts again');
  });

  it('room:activity for the room being looked at adds nothing unread', () => {
    const store = makeStore(true);
    store.noteActivity(ROOM, 9);
    assert.equal(store.byId(ROOM)!.unreadCount, 0);
    assert.equal(store.byId(ROOM)!.lastSeq, 9);
  });
});

describe('mentions in the room list', () => {
  const ME_ID = 'me';
  it('a message that mentions me adds to the "@" count; one that does not, or mine, does not; reading it all clears it', () => {
    const store = makeStore();
    store.noteMessages(ROOM, [
      { ...msg(3), senderId: 'bob', mentions: { userIds: [ME_ID], everyone: false } },
      { ...msg(4), senderId: 'bob', content: '@channel now' },
      { ...msg(5), senderId: 'bob' },
      { ...msg(6), senderId: ME_ID, mentions: { userIds: [ME_ID], everyone: false } },
    ]);
    const r = store.byId(ROOM)!;
    assert.equal(r.unreadCount, 3);
    assert.equal(r.mentionCount, 2);
    store.markRead(ROOM, 4);
    assert.equal(store.byId(ROOM)!.mentionCount, 2, 'read part way: this device cannot tell which are left, so it keeps them');
    store.markRead(ROOM, 6);
    assert.equal(store.byId(ROOM)!.mentionCount, 0);
  });
  it('a room being looked at counts no mention', () => {
    const store = makeStore(true);
    store.noteMessages(ROOM, [{ ...msg(3), senderId: 'bob', mentions: { userIds: [ME_ID], everyone: false } }]);
    assert.equal(store.byId(ROOM)!.mentionCount, 0);
  });
  it('notification settings are replaced as told', () => {
    const store = makeStore();
    store.setNotifications(ROOM, { level: 'none', mutedUntil: null });
    assert.deepEqual(store.byId(ROOM)!.notifications, { level: 'none', mutedUntil: null });
  });

  it('a refetch that brings the same rooms tells no one; a changed room is news, the others keep their identity', () => {
    const other = room({ id: 'room-2', name: 'Carol', lastSeq: 1, readSeq: 1 });
    const store = new RoomListStore('me', () => false);
    store.replaceAll([room(), other]);
    const before = store.getState();
    let told = 0;
    store.subscribe(() => (told += 1));
    // Fresh objects from the api, equal field by field.
    store.replaceAll([room(), { ...other }]);
    assert.equal(told, 0);
    assert.equal(store.getState(), before);

    store.replaceAll([room({ topic: 'new topic' }), { ...other }]);
    assert.equal(told, 1);
    assert.equal(store.byId(ROOM)!.topic, 'new topic');
    assert.equal(
      store.byId('room-2'),
      before.rooms.find((r) => r.id === 'room-2'),
    );
  });

  it("a person's new name and picture replace the peer of a direct room with them, and nothing else", () => {
    const store = makeStore();
    const bob = {
      id: 'u-bob',
      username: 'bob',
      displayName: 'Bob',
      avatarUrl: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      timeZone: null,
    };
    store.replaceAll([room({ peer: bob }), room({ id: 'group-1', kind: 'group', name: 'team' })]);
    const group = store.byId('group-1');
    const renamed = { ...bob, displayName: 'Robert', avatarUrl: '/api/v1/avatars/u-bob?v=0123456789abcdef' };
    store.personChanged(renamed);
    assert.equal(store.byId(ROOM)!.peer, renamed);
    assert.equal(store.byId('group-1'), group);
    const before = store.getState();
    store.personChanged({ ...bob, id: 'u-stranger' });
    assert.equal(store.getState(), before, 'someone with no direct room here changes nothing');
  });
});
