import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@qc/shared';
import { highestSeq, mergeNewer, prependOlder } from './room-timeline';

function msg(seq: number): Message {
  return {
    id: `id-${seq}`,
    roomId: 'room',
    seq,
    senderId: 'someone',
    clientMsgId: `c-${seq}`,
    content: `message ${seq}`,
    contentType: 'text',
    replyTo: null,
    createdAt: new Date(2026, 0, 1, 12, seq).toISOString(),
  };
}
const seqs = (list: readonly Message[]) => list.map((m) => m.seq);
const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

describe('mergeNewer', () => {
  it('appends the next seq', () => {
    const r = mergeNewer(run(1, 3), [msg(4)]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 4]);
    assert.deepEqual(seqs(r.added), [4]);
    assert.deepEqual(r.waiting, []);
  });

  it('drops duplicates and what is already shown', () => {
    const current = run(1, 3);
    const r = mergeNewer(current, [msg(2), msg(3), msg(3)]);
    assert.equal(r.messages, current, 'unchanged timeline keeps its identity');
    assert.deepEqual(r.added, []);
  });

  it('holds back a message past a hole instead of showing it out of order', () => {
    const r = mergeNewer(run(1, 3), [msg(5), msg(6)]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3]);
    assert.deepEqual(seqs(r.waiting), [5, 6]);
  });

  it('places held-back messages once the hole is filled, whatever order they came in', () => {
    const r = mergeNewer(run(1, 3), [msg(6), msg(5), msg(4)]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(r.waiting, []);
  });

  it('starts an empty room at seq 1', () => {
    assert.deepEqual(seqs(mergeNewer([], [msg(1)]).messages), [1]);
    assert.deepEqual(seqs(mergeNewer([], [msg(2)]).waiting), [2]);
  });
});

describe('prependOlder', () => {
  it('puts an older page in front', () => {
    assert.deepEqual(
      seqs(prependOlder(run(51, 60), run(41, 50))),
      run(41, 60).map((m) => m.seq),
    );
  });

  it('ignores what overlaps or would leave a hole', () => {
    assert.deepEqual(
      seqs(prependOlder(run(51, 60), [...run(45, 55)])),
      run(45, 60).map((m) => m.seq),
    );
    assert.deepEqual(
      seqs(prependOlder(run(51, 60), run(30, 40))),
      run(51, 60).map((m) => m.seq),
    );
  });
});

describe('highestSeq', () => {
  it('is 0 for an empty room and the last seq otherwise', () => {
    assert.equal(highestSeq([]), 0);
    assert.equal(highestSeq(run(7, 9)), 9);
  });
});
