import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INSTANCE_MODERATION_ACTIONS,
  mayModerate,
  ROOM_MODERATION_ACTIONS,
  type ModerationAction,
  type Standing,
} from './moderation-policy';

/*
 * Every action × every pair of standings, as a table a person can check line by line.
 * Rows: the actor; columns: the target, in the order of PEOPLE. Y: allowed, ·: refused.
 */
const PEOPLE: Record<string, Standing> = {
  member: { instanceRole: null, roomRole: 'member' },
  'room moderator': { instanceRole: null, roomRole: 'moderator' },
  'room admin': { instanceRole: null, roomRole: 'admin' },
  owner: { instanceRole: null, roomRole: 'owner' },
  outsider: { instanceRole: null, roomRole: null },
  'instance moderator': { instanceRole: 'moderator', roomRole: null },
  'instance admin': { instanceRole: 'admin', roomRole: null },
};
const NAMES = Object.keys(PEOPLE);

//                                 targets: member, room mod, room admin, owner, outsider, inst. mod, inst. admin
const DELETE_MUTE_KICK = {
  member: '·······',
  'room moderator': 'Y···Y··',
  'room admin': 'YY··Y··',
  owner: 'YYY·Y··',
  outsider: '·······',
  'instance moderator': 'YYYYY··',
  'instance admin': 'YYYYYY·',
};
const BAN_PACE = {
  member: '·······',
  'room moderator': '·······',
  'room admin': 'YY··Y··',
  owner: 'YYY·Y··',
  outsider: '·······',
  'instance moderator': 'YYYYY··',
  'instance admin': 'YYYYYY·',
};
const STAFF_ONLY = {
  member: '·······',
  'room moderator': '·······',
  'room admin': '·······',
  owner: '·······',
  outsider: '·······',
  'instance moderator': 'YYYYY··',
  'instance admin': 'YYYYYY·',
};
const ADMIN_ONLY = {
  member: '·······',
  'room moderator': '·······',
  'room admin': '·······',
  owner: '·······',
  outsider: '·······',
  'instance moderator': '·······',
  'instance admin': 'YYYYYY·',
};

const TABLE: Record<ModerationAction, Record<string, string>> = {
  'message.delete': DELETE_MUTE_KICK,
  'member.mute': DELETE_MUTE_KICK,
  'member.unmute': DELETE_MUTE_KICK,
  'member.kick': DELETE_MUTE_KICK,
  'member.ban': BAN_PACE,
  'member.unban': BAN_PACE,
  'room.slow-mode': BAN_PACE,
  'room.lock': BAN_PACE,
  'room.rules': BAN_PACE,
  'user.disable': STAFF_ONLY,
  'user.enable': STAFF_ONLY,
  'user.end-sessions': STAFF_ONLY,
  'user.grant-role': ADMIN_ONLY,
  'admin.read': STAFF_ONLY,
  'rules.edit': STAFF_ONLY,
  'room.archive': STAFF_ONLY,
  'room.delete': ADMIN_ONLY,
};

test('the table names every action there is', () => {
  assert.deepEqual(Object.keys(TABLE).sort(), [...ROOM_MODERATION_ACTIONS, ...INSTANCE_MODERATION_ACTIONS].sort());
});

for (const [action, grid] of Object.entries(TABLE) as [ModerationAction, Record<string, string>][]) {
  test(`${action}: every actor × target`, () => {
    const wrong: string[] = [];
    for (const actor of NAMES) {
      const row = [...grid[actor]!];
      assert.equal(row.length, NAMES.length, `${action}: ${actor}'s row`);
      NAMES.forEach((target, i) => {
        const expected = row[i] === 'Y';
        if (mayModerate(action, PEOPLE[actor]!, PEOPLE[target]!) !== expected)
          wrong.push(`${actor} → ${target}: expected ${expected ? 'allowed' : 'refused'}`);
      });
    }
    assert.deepEqual(wrong, []);
  });
}

test("with no target (the room itself, the dashboard), only the action's least role counts", () => {
  const none = (action: ModerationAction) => NAMES.filter((n) => mayModerate(action, PEOPLE[n]!, null));
  assert.deepEqual(none('room.lock'), ['room admin', 'owner', 'instance moderator', 'instance admin']);
  assert.deepEqual(none('room.slow-mode'), ['room admin', 'owner', 'instance moderator', 'instance admin']);
  assert.deepEqual(none('admin.read'), ['instance moderator', 'instance admin']);
  assert.deepEqual(none('user.grant-role'), ['instance admin']);
  assert.deepEqual(none('room.archive'), ['instance moderator', 'instance admin']);
  assert.deepEqual(none('room.delete'), ['instance admin']);
});

test('instance staff who are also members of a room keep their instance standing there', () => {
  const modInRoom: Standing = { instanceRole: 'moderator', roomRole: 'member' };
  assert.equal(mayModerate('member.mute', PEOPLE.owner!, modInRoom), false, 'an owner does not mute an instance moderator');
  assert.equal(mayModerate('member.mute', modInRoom, PEOPLE.owner!), true, 'an instance moderator mutes a room owner');
});
