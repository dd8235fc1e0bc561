import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canDeleteRoom, canEditRoom, canManageMembers, canRemoveMember, canSelfJoin, directKey } from './room-policy';

test('only owners and admins manage members, and never in a DM', () => {
  assert.equal(canManageMembers('group', 'owner'), true);
  assert.equal(canManageMembers('channel', 'admin'), true);
  assert.equal(canManageMembers('group', 'member'), false);
  assert.equal(canManageMembers('direct', 'owner'), false);
});

test('owners remove anyone, admins only plain members, members only themselves', () => {
  const owner = { id: 'o', role: 'owner' as const };
  const admin = { id: 'a', role: 'admin' as const };
  const member = { id: 'm', role: 'member' as const };
  const other = { id: 'x', role: 'member' as const };
  assert.equal(canRemoveMember('group', owner, admin), true);
  assert.equal(canRemoveMember('group', admin, member), true);
  assert.equal(canRemoveMember('group', admin, owner), false);
  assert.equal(canRemoveMember('group', member, other), false);
  assert.equal(canRemoveMember('channel', member, member), true);
  assert.equal(canRemoveMember('direct', owner, owner), false);
});

test('editing, deleting and self-joining follow the room kind and role', () => {
  assert.equal(canEditRoom('group', 'admin'), true);
  assert.equal(canEditRoom('direct', 'owner'), false);
  assert.equal(canDeleteRoom('channel', 'admin'), false);
  assert.equal(canDeleteRoom('channel', 'owner'), true);
  assert.equal(canSelfJoin('channel'), true);
  assert.equal(canSelfJoin('group'), false);
});

test('a DM key is the same whoever opens it', () => {
  assert.equal(directKey('b', 'a'), directKey('a', 'b'));
  assert.equal(directKey('a', 'b'), 'a:b');
});
