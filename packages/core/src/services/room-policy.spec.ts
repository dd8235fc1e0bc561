import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canDeleteRoom,
  canEditRoom,
  canManageMembers,
  canRemoveMember,
  canSelfJoin,
  directKey,
  leavesNoOwner,
  successorOf,
} from './room-policy';

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

test('the last owner leaving hands the room to the oldest admin, else the oldest member; nobody else, nobody', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 0, min));
  const members = [
    { userId: 'owner', role: 'owner' as const, joinedAt: at(0) },
    { userId: 'late-admin', role: 'admin' as const, joinedAt: at(9) },
    { userId: 'old-member', role: 'member' as const, joinedAt: at(1) },
    { userId: 'old-admin', role: 'admin' as const, joinedAt: at(5) },
  ];
  assert.equal(successorOf(members, 'owner'), 'old-admin');
  assert.equal(
    successorOf(
      members.filter((m) => m.role !== 'admin'),
      'owner',
    ),
    'old-member',
  );
  assert.equal(successorOf([members[0]!], 'owner'), null);
  assert.equal(leavesNoOwner('group', members, 'owner'), true);
  assert.equal(leavesNoOwner('group', members, 'old-admin'), false);
  assert.equal(leavesNoOwner('channel', [...members, { userId: 'o2', role: 'owner' as const, joinedAt: at(3) }], 'owner'), false);
  assert.equal(leavesNoOwner('direct', [{ userId: 'a', role: 'member' as const }], 'a'), false);
});
