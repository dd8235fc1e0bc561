import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Member, User } from '@qc/shared';
import { PeopleStore } from './people-store';
import { ROOM } from './spec-helpers';

const user = (id: string, displayName = id.toUpperCase()): User => ({
  id,
  username: id,
  displayName,
  avatarUrl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  timeZone: null,
});
const member = (u: User): Member => ({
  roomId: ROOM,
  userId: u.id,
  role: 'member',
  joinedAt: '2026-01-01T00:00:00.000Z',
  readSeq: 0,
  user: u,
  presence: 'online',
});

describe('PeopleStore', () => {
  it('the same people and members fetched again (fresh objects) tell no one', () => {
    const store = new PeopleStore(user('me'));
    store.setMembers(ROOM, [member(user('me')), member(user('bob'))]);
    const before = store.getState();
    let told = 0;
    store.subscribe(() => (told += 1));
    store.meet([user('bob')]);
    store.setMembers(ROOM, [member(user('me')), member(user('bob'))]);
    assert.equal(told, 0);
    assert.equal(store.getState(), before);
  });

  it('a renamed person or a changed member list is news', () => {
    const store = new PeopleStore(user('me'));
    store.setMembers(ROOM, [member(user('me')), member(user('bob'))]);
    let told = 0;
    store.subscribe(() => (told += 1));
    store.meet([user('bob', 'Robert')]);
    assert.equal(store.getState().users['bob']!.displayName, 'Robert');
    store.setMembers(ROOM, [member(user('me'))]);
    assert.equal(store.getState().members[ROOM]!.length, 1);
    assert.equal(told, 2);
  });

  it('a profile change replaces the person everywhere: the people held, every member list, and me', () => {
    const store = new PeopleStore(user('me'));
    store.setMembers(ROOM, [member(user('me')), member(user('bob'))]);
    store.setMembers('other-room', [member(user('me'))]);
    const otherRoom = store.getState().members['other-room'];
    const pictured = { ...user('bob', 'Robert'), avatarUrl: '/api/v1/avatars/bob?v=0123456789abcdef' };
    store.changed(pictured);
    assert.equal(store.getState().users['bob'], pictured);
    assert.equal(store.getState().members[ROOM]!.find((m) => m.userId === 'bob')!.user, pictured);
    assert.equal(store.getState().members['other-room'], otherRoom, 'a list without him is the same list');

    store.changed(user('me', 'Me Renamed'));
    assert.equal(store.me.displayName, 'Me Renamed');
    assert.equal(store.getState().members[ROOM]!.find((m) => m.userId === 'me')!.user.displayName, 'Me Renamed');
  });

  it('a change of someone never shown here is not kept (the audience is wider than the screen)', () => {
    const store = new PeopleStore(user('me'));
    const before = store.getState();
    store.changed(user('stranger'));
    assert.equal(store.getState(), before);
  });
});
