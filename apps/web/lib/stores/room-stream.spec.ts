import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_STREAM, hasReacted, mergeStream, messageItem, pagePosition, prependOlder, updateItem, type RoomStream } from './room-stream';
import { msg, seqs, update } from './spec-helpers';

const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));
const stream = (from: number, to: number): RoomStream => ({ messages: run(from, to), lastSeq: to, held: [] });

describe('mergeStream: new messages', () => {
  it('appends the next seq', () => {
    const r = mergeStream(stream(1, 3), [messageItem(msg(4))]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 4]);
    assert.deepEqual(seqs(r.added), [4]);
    assert.equal(r.lastSeq, 4);
    assert.equal(r.gap, false);
  });

  it('drops duplicates and what is already shown', () => {
    const current = stream(1, 3);
    const r = mergeStream(current, [messageItem(msg(2)), messageItem(msg(3)), messageItem(msg(3))]);
    assert.equal(r.messages, current.messages, 'unchanged timeline keeps its identity');
    assert.deepEqual(r.added, []);
  });

  it('holds back a message past a hole instead of showing it out of order', () => {
    const r = mergeStream(stream(1, 3), [messageItem(msg(5)), messageItem(msg(6))]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3]);
    assert.deepEqual(
      r.held.map((i) => i.seq),
      [5, 6],
    );
    assert.equal(r.gap, true);
  });

  it('places held-back messages once the hole is filled, whatever order they came in', () => {
    const held = mergeStream(stream(1, 3), [messageItem(msg(6)), messageItem(msg(5))]);
    const r = mergeStream(held, [messageItem(msg(4))]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 4, 5, 6]);
    assert.equal(r.gap, false);
    assert.equal(r.lastSeq, 6);
  });

  it('starts an empty room at seq 1', () => {
    assert.deepEqual(seqs(mergeStream(EMPTY_STREAM, [messageItem(msg(1))]).messages), [1]);
    assert.equal(mergeStream(EMPTY_STREAM, [messageItem(msg(2))]).gap, true);
  });
});

describe('mergeStream: changes share the one seq counter', () => {
  it('an update takes its own seq: the next message after it is not a gap', () => {
    const r = mergeStream(stream(1, 3), [
      updateItem(update(4, 2, { content: 'edited', editedAt: '2026-01-01T13:00:00Z' })),
      messageItem(msg(5)),
    ]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 5]);
    assert.equal(r.messages[1]!.content, 'edited');
    assert.equal(r.lastSeq, 5);
    assert.equal(r.gap, false);
  });

  it('detects a gap when a lost update is followed by a message', () => {
    const r = mergeStream(stream(1, 3), [messageItem(msg(5))]);
    assert.equal(r.gap, true, 'seq 4 (an edit) never came');
    assert.deepEqual(seqs(r.messages), [1, 2, 3]);
  });

  it('detects a gap when a lost message is followed by an update, and holds the update back', () => {
    const r = mergeStream(stream(1, 3), [updateItem(update(5, 2, { content: 'later edit' }))]);
    assert.equal(r.gap, true);
    assert.equal(r.messages[1]!.content, 'message 2', 'the change waits until what came before it is in');
    const filled = mergeStream(r, [messageItem(msg(4))]);
    assert.equal(filled.gap, false);
    assert.equal(filled.lastSeq, 5);
    assert.equal(filled.messages[1]!.content, 'later edit');
  });

  it('ignores an update older than the state held (version), but still moves past its seq', () => {
    const newer = msg(2, { content: 'second edit', version: 8 });
    const base: RoomStream = { messages: [msg(1), newer], lastSeq: 6, held: [] };
    const r = mergeStream(base, [updateItem(update(7, 2, { content: 'first edit' }))]);
    assert.equal(r.messages[1], newer, 'not rolled back');
    assert.equal(r.lastSeq, 7);
  });

  it('an update for a message not loaded yet moves the position and changes nothing on screen', () => {
    const base: RoomStream = { messages: run(51, 60), lastSeq: 60, held: [] };
    const r = mergeStream(base, [updateItem(update(61, 10, { content: 'edited long ago' }))]);
    assert.equal(r.messages, base.messages);
    assert.equal(r.lastSeq, 61);
    assert.equal(r.gap, false);
  });

  it('a delete leaves a tombstone in place', () => {
    const r = mergeStream(stream(1, 3), [
      updateItem(update(4, 2, { content: '', deletedAt: '2026-01-01T13:00:00Z', deletedBy: 'someone' })),
    ]);
    assert.deepEqual(seqs(r.messages), [1, 2, 3]);
    assert.equal(r.messages[1]!.deletedAt, '2026-01-01T13:00:00Z');
  });

  it('a sync page of messages and updates together fills the hole exactly', () => {
    const base = mergeStream(stream(1, 2), [messageItem(msg(7))]);
    const page = [
      messageItem(msg(3)),
      updateItem(update(4, 1, { content: 'x' })),
      messageItem(msg(5)),
      updateItem(update(6, 3, { content: 'y' })),
    ];
    const r = mergeStream(base, page);
    assert.deepEqual(seqs(r.messages), [1, 2, 3, 5, 7]);
    assert.deepEqual(
      r.messages.map((m) => m.content),
      ['x', 'message 2', 'y', 'message 5', 'message 7'],
    );
    assert.equal(r.lastSeq, 7);
    assert.equal(r.gap, false);
  });
});

describe('pagePosition', () => {
  it('is the newest message or newest change on the page', () => {
    assert.equal(pagePosition([]), 0);
    assert.equal(pagePosition(run(1, 3)), 3);
    assert.equal(pagePosition([msg(1, { version: 9 }), msg(2)]), 9);
  });
});

describe('prependOlder', () => {
  it('puts an older page in front, seqs taken by changes in between are fine', () => {
    assert.deepEqual(seqs(prependOlder(run(51, 60), [msg(45), msg(47), msg(50)])), [45, 47, 50, ...seqs(run(51, 60))]);
  });

  it('ignores what overlaps', () => {
    assert.deepEqual(seqs(prependOlder(run(51, 60), run(45, 55))), seqs(run(45, 60)));
    const current = run(51, 60);
    assert.equal(prependOlder(current, run(55, 58)), current);
  });
});

describe('hasReacted', () => {
  it('trusts the server flag, else looks in the listed people', () => {
    assert.equal(hasReacted({ emoji: '👍', count: 30, userIds: ['a'], me: true }, 'me'), true);
    assert.equal(hasReacted({ emoji: '👍', count: 2, userIds: ['a', 'me'] }, 'me'), true);
    assert.equal(hasReacted({ emoji: '👍', count: 1, userIds: ['a'] }, 'me'), false);
  });
});
