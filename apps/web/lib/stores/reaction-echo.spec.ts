import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withMyReaction } from './reaction-echo';
import { applyMessageState } from './room-stream';
import { msg } from './spec-helpers';

describe('withMyReaction (local echo)', () => {
  it('adds a new chip, joins an existing one, and leaves it again', () => {
    const plain = msg(1);
    const first = withMyReaction(plain, '👍', 'me', true);
    assert.deepEqual(first.reactions, [{ emoji: '👍', count: 1, userIds: ['me'], me: true }]);
    const others = msg(1, { reactions: [{ emoji: '👍', count: 2, userIds: ['a', 'b'] }] });
    const joined = withMyReaction(others, '👍', 'me', true);
    assert.equal(joined.reactions![0]!.count, 3);
    const left = withMyReaction(joined, '👍', 'me', false);
    assert.deepEqual(left.reactions![0]!.userIds, ['a', 'b']);
    assert.equal(left.reactions![0]!.count, 2);
    assert.deepEqual(withMyReaction(first, '👍', 'me', false).reactions, [], 'the last one takes the chip away');
  });

  it('is idempotent both ways, so a rollback after a refusal is safe', () => {
    const mine = msg(1, { reactions: [{ emoji: '🎉', count: 1, userIds: ['me'] }] });
    assert.equal(withMyReaction(mine, '🎉', 'me', true), mine);
    const plain = msg(1);
    assert.equal(withMyReaction(plain, '🎉', 'me', false), plain);
  });

  it('keeps the version, so the server state replaces the echo', () => {
    const held = msg(1, { version: 5 });
    const echo = withMyReaction(held, '👍', 'me', true);
    assert.equal(echo.version, 5);
    const server = msg(1, { version: 6, reactions: [{ emoji: '👍', count: 1, userIds: ['me'] }] });
    assert.equal(applyMessageState([echo], server)[0], server);
  });
});
