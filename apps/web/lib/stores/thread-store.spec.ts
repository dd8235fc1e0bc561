import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThreadPage } from '@qc/shared';
import { mergeStream, messageItem, updateItem } from './room-stream';
import { msg, ROOM, seqs, settle, update } from './spec-helpers';
import { canHaveThread, mainTimelineMessages, placeReply, ThreadStore, type ThreadSource } from './thread-store';

const ROOT = 'id-1';
const reply = (seq: number, extra = {}) => msg(seq, { threadRootId: ROOT, ...extra });

/** A server whose thread pages the spec hands out when it says so. */
function fakeSource(pages: ThreadPage[]) {
  const asks: number[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const source: ThreadSource = {
    thread: async (_roomId, _rootId, page) => {
      asks.push(page.after);
      await gate;
      const next = pages.shift();
      if (!next) throw new Error('no more pages');
      return next;
    },
  };
  return { source, asks, release };
}

const fail = () => 'failed';

describe('thread membership', () => {
  it('keeps thread replies in the stream but out of the main timeline', () => {
    const merged = mergeStream({ messages: [msg(1)], lastSeq: 1, held: [] }, [messageItem(reply(2)), messageItem(msg(3))]);
    // The reply took seq 2: the stream moved past it without a gap.
    assert.equal(merged.lastSeq, 3);
    assert.equal(merged.gap, false);
    assert.deepEqual(seqs(mainTimelineMessages(merged.messages)), [1, 3]);
  });

  it('gives the main timeline the same list when nothing in it is a thread reply', () => {
    const messages = [msg(1), msg(2, { threadRootId: null })];
    assert.equal(mainTimelineMessages(messages), messages);
  });

  it('lets a thread start only from a live message of the main timeline', () => {
    assert.equal(canHaveThread(msg(1)), true);
    assert.equal(canHaveThread(reply(2)), false);
    assert.equal(canHaveThread(msg(3, { deletedAt: '2026-01-01T00:00:00.000Z' })), false);
  });

  it('places replies by seq and keeps only newer states', () => {
    let replies = placeReply([], reply(5));
    replies = placeReply(replies, reply(3));
    replies = placeReply(replies, reply(7));
    assert.deepEqual(seqs(replies), [3, 5, 7]);
    const edited = placeReply(replies, reply(5, { version: 9, content: 'edited' }));
    assert.equal(edited[1]!.content, 'edited');
    assert.equal(placeReply(edited, reply(5, { version: 8, content: 'older' })), edited);
  });
});

describe('ThreadStore', () => {
  it('loads the root and every page of replies', async () => {
    const { source, asks, release } = fakeSource([
      { root: msg(1, { replyCount: 3 }), replies: [reply(2), reply(4)], hasMore: true },
      { root: msg(1, { replyCount: 3 }), replies: [reply(6)], hasMore: false },
    ]);
    const store = new ThreadStore(source);
    release();
    await store.open(ROOM, ROOT, fail);
    const thread = store.get(ROOT)!;
    assert.equal(thread.status, 'ready');
    assert.equal(thread.root?.replyCount, 3);
    assert.deepEqual(seqs(thread.replies), [2, 4, 6]);
    assert.deepEqual(asks, [0, 4]);
  });

  it('keeps a reply that arrives before the root is loaded, and merges the page around it', async () => {
    const { source, release } = fakeSource([{ root: msg(1, { replyCount: 1 }), replies: [reply(2)], hasMore: false }]);
    const store = new ThreadStore(source);
    const opening = store.open(ROOM, ROOT, fail);
    assert.equal(store.get(ROOT)!.root, null);
    store.receive(ROOM, [reply(3), msg(4, { content: 'not in the thread' })]);
    assert.deepEqual(seqs(store.get(ROOT)!.replies), [3]);
    release();
    await opening;
    const thread = store.get(ROOT)!;
    assert.equal(thread.root?.id, ROOT);
    assert.deepEqual(seqs(thread.replies), [2, 3]);
  });

  it('updates the root count from the stream, and a late page does not roll it back', async () => {
    const { source, release } = fakeSource([{ root: msg(1, { version: 3, replyCount: 1 }), replies: [reply(2)], hasMore: false }]);
    const store = new ThreadStore(source);
    const opening = store.open(ROOM, ROOT, fail, msg(1));
    assert.equal(store.get(ROOT)!.root?.replyCount, undefined);
    store.receive(ROOM, [reply(4), update(5, 1, { replyCount: 2, lastReplyAt: '2026-01-01T12:04:00.000Z' }).message]);
    release();
    await opening;
    const thread = store.get(ROOT)!;
    assert.equal(thread.root?.replyCount, 2);
    assert.deepEqual(seqs(thread.replies), [2, 4]);
  });

  it('applies edits and deletes of replies, and ignores other rooms', async () => {
    const { source, release } = fakeSource([{ root: msg(1), replies: [reply(2)], hasMore: false }]);
    const store = new ThreadStore(source);
    release();
    await store.open(ROOM, ROOT, fail);
    const before = store.getState();
    store.receive('another-room', [reply(3, { roomId: 'another-room' })]);
    assert.equal(store.getState(), before);
    const deleted = updateItem(update(4, 2, { threadRootId: ROOT, deletedAt: '2026-01-01T12:05:00.000Z', content: '' }));
    store.receive(ROOM, [deleted.message]);
    assert.ok(store.get(ROOT)!.replies[0]!.deletedAt);
  });

  it('shows a failure, and opening again tries again', async () => {
    const { source, release } = fakeSource([]);
    const store = new ThreadStore(source);
    release();
    await store.open(ROOM, ROOT, fail);
    assert.equal(store.get(ROOT)!.status, 'error');
    assert.equal(store.get(ROOT)!.error, 'failed');
    store.close(ROOT);
    assert.equal(store.get(ROOT), undefined);
    await settle();
  });
});
