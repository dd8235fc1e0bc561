import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { paceForMe, slowModeLabel } from './room-pace';

describe("a room's pace, for me", () => {
  test('a member is held by the lock and by slow mode; moderators, admins and the owner are not', () => {
    assert.deepEqual(paceForMe({ role: 'member', slowModeSeconds: 30, readOnly: true }), {
      lockedForMe: true,
      archived: false,
      slowModeSeconds: 30,
    });
    for (const role of ['moderator', 'admin', 'owner'] as const) {
      assert.deepEqual(
        paceForMe({ role, slowModeSeconds: 30, readOnly: true }),
        { lockedForMe: false, archived: false, slowModeSeconds: null },
        role,
      );
    }
    assert.deepEqual(paceForMe({ role: 'member' }), { lockedForMe: false, archived: false, slowModeSeconds: null });
    assert.deepEqual(paceForMe(undefined), { lockedForMe: false, archived: false, slowModeSeconds: null });
  });

  test('an archived room holds everyone, its owner too', () => {
    for (const role of ['member', 'moderator', 'admin', 'owner'] as const) {
      assert.deepEqual(paceForMe({ role, archived: true }), { lockedForMe: true, archived: true, slowModeSeconds: null }, role);
    }
  });

  test('slow mode is said in seconds, minutes or hours', () => {
    assert.deepEqual([5, 30, 60, 300, 3600, 21600].map(slowModeLabel), ['5 s', '30 s', '1 min', '5 min', '1 h', '6 h']);
  });
});
