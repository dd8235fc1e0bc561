import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeMute } from './moderator-mute';

test('a mute counts until its end, then not at all', () => {
  const until = '2030-01-01T12:00:00.000Z';
  const room = { mutedByModerator: { until, reason: 'too loud' } };
  assert.deepEqual(activeMute(room, Date.parse(until) - 1), { until, reason: 'too loud' });
  assert.equal(activeMute(room, Date.parse(until)), null);
  assert.equal(activeMute({}, 0), null);
  assert.equal(activeMute(undefined, 0), null);
});
