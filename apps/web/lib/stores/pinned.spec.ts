import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { livePins } from './pinned';
import { msg, seqs } from './spec-helpers';

const at = (minute: number) => new Date(2026, 0, 1, 13, minute).toISOString();

describe('livePins', () => {
  it('keeps the fetched order, most recently pinned first', () => {
    const fetched = [msg(2, { pinnedAt: at(5) }), msg(1, { pinnedAt: at(1) })];
    assert.deepEqual(seqs(livePins(fetched, [])), [2, 1]);
  });

  it('adds what was pinned since, and drops what was unpinned or deleted since', () => {
    const fetched = [msg(2, { pinnedAt: at(5) }), msg(1, { pinnedAt: at(1) })];
    const loaded = [
      msg(1, { version: 7, pinnedAt: null }),
      msg(2, { version: 8, pinnedAt: at(5), deletedAt: at(9) }),
      msg(3, { version: 9, pinnedAt: at(10) }),
      msg(4),
    ];
    assert.deepEqual(seqs(livePins(fetched, loaded)), [3]);
  });

  it('does not let an older loaded state undo a newer fetched one', () => {
    const fetched = [msg(1, { version: 9, pinnedAt: at(3) })];
    assert.deepEqual(seqs(livePins(fetched, [msg(1, { version: 4, pinnedAt: null })])), [1]);
  });
});
