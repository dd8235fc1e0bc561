import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, type Message, type MessageUpdate } from '@qc/shared';
import type { CoreServices } from '../../src/composition';
import { isAppError } from '../../src/errors';
import type { TestDatabase } from '../support/test-database';
import { startTestCore, type TestCore } from '../support/test-core';
import { RecordingBroadcaster } from '../support/recording-broadcaster';

/*
 * The room stream on a real PostgreSQL (DESIGN.md "The room timeline is one ordered
 * stream"): edits, deletes and reactions take the room's next seq, go out live in that
 * order, and catch-up returns messages and changes whose seqs are exactly the ones asked for.
 */

let t: TestCore;
let db: TestDatabase;
let core: CoreServices;
let bc: RecordingBroadcaster;

const user = (name: string) => t.user(name);

async function roomOf(owner: string, members: string[]) {
  return (await core.rooms.create(owner, { kind: 'group', name: 'stream', memberIds: members })).room.id;
}

const send = async (userId: string, roomId: string, content: string) =>
  (await core.messages.send(userId, { roomId, clientMsgId: `c-${content}-${Math.random().toString(36).slice(2)}`, content })).message;

/** What an AppError-throwing call was refused with. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'not refused';
}

/** Every seq that sync returns from afterSeq, following hasMore page by page. */
async function syncAll(userId: string, roomId: string, afterSeq: number, limit?: number) {
  const messages: Message[] = [];
  const updates: MessageUpdate[] = [];
  let from = afterSeq;
  for (;;) {
    const page = await core.messages.sync(userId, { roomId, afterSeq: from, limit });
    messages.push(...page.messages);
    updates.push(...page.updates);
    const seqs = [...page.messages.map((m) => m.seq), ...page.updates.map((u) => u.seq)].sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: seqs.length }, (_, i) => from + 1 + i),
      `page after ${from} is not contiguous`,
    );
    if (!page.hasMore) break;
    from = seqs[seqs.length - 1]!;
  }
  return { messages, updates };
}

before(async () => {
  t = await startTestCore();
  ({ db, core, broadcaster: bc } = t);
});
after(async () => {
  await t?.stop();
});

describe('the room stream', () => {
  test('edit, delete and react each take the next seq, go out live in order, and catch-up returns exactly what was missed', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const [m1, m2, m3] = [await send(a, room, 'one'), await send(a, room, 'two'), await send(b, room, 'three')];
    assert.deepEqual(m1, { ...m1, editedAt: null, deletedAt: null, deletedBy: null, reactions: [], version: 1 });
    bc.emits.length = 0;

    const edited = await core.messageActions.edit(a, { roomId: room, messageId: m1.id, content: 'one, fixed' });
    const deleted = await core.messageActions.delete(a, { roomId: room, messageId: m2.id });
    const reacted = await core.messageActions.react(b, { roomId: room, messageId: m3.id, emoji: '👍' }, true);
    const m4 = await send(a, room, 'four');

    assert.equal(edited.content, 'one, fixed');
    assert.ok(edited.editedAt);
    assert.equal(edited.version, 4);
    assert.deepEqual([deleted.content, deleted.deletedBy, deleted.version], ['', a, 5]);
    assert.ok(deleted.deletedAt);
    assert.deepEqual(reacted.reactions, [{ emoji: '👍', count: 1, userIds: [b] }]);
    assert.equal(m4.seq, 7);

    // Live: one stream, in seq order, updates and messages alike.
    const live = bc.emits.filter((e) => e.to.room === room);
    assert.deepEqual(
      live.map((e) => [e.event, e.event === 'message:new' ? (e.payload as Message).seq : (e.payload as MessageUpdate).seq]),
      [
        ['message:updated', 4],
        ['message:updated', 5],
        ['message:updated', 6],
        ['message:new', 7],
      ],
    );

    // Someone who saw up to seq 3 gets the three changes and the new message, nothing else, nothing twice.
    const missed = await core.messages.sync(b, { roomId: room, afterSeq: 3 });
    assert.equal(missed.hasMore, false);
    assert.deepEqual(
      missed.updates.map((u) => [u.seq, u.message.id]),
      [
        [4, m1.id],
        [5, m2.id],
        [6, m3.id],
      ],
    );
    assert.deepEqual(
      missed.messages.map((m) => m.seq),
      [7],
    );
    assert.equal(missed.updates[0]!.message.content, 'one, fixed');
    assert.equal(missed.updates[1]!.message.content, '', 'a deleted message comes back as a tombstone');

    // History shows every message as it is now.
    const page = await core.messages.history(b, room, { limit: 50 });
    assert.deepEqual(
      page.messages.map((m) => [m.seq, m.content, !!m.deletedAt, m.reactions?.length ?? 0]),
      [
        [1, 'one, fixed', false, 0],
        [2, '', true, 0],
        [3, 'three', false, 1],
        [7, 'four', false, 0],
      ],
    );
    assert.deepEqual(await core.messages.get(b, room, m2.id), deleted);
  });

  test('catch-up pages over a mix of messages and changes stay contiguous, with each message in its current state', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const sent: Message[] = [];
    for (let i = 0; i < 12; i++) {
      sent.push(await send(a, room, `m${i}`));
      // An edit of an older message between sends: changes to old messages are interleaved with new ones.
      if (i % 3 === 2) await core.messageActions.edit(a, { roomId: room, messageId: sent[0]!.id, content: `first, edit ${i}` });
      if (i % 4 === 1) await core.messageActions.react(b, { roomId: room, messageId: sent[i]!.id, emoji: '🎉' }, true);
    }
    const last = 12 + 4 + 3;
    for (const limit of [1, 2, 5, 7, 100]) {
      const all = await syncAll(b, room, 0, limit);
      const seqs = [...all.messages.map((m) => m.seq), ...all.updates.map((u) => u.seq)].sort((x, y) => x - y);
      assert.deepEqual(
        seqs,
        Array.from({ length: last }, (_, i) => i + 1),
        `limit ${limit}`,
      );
      // Every copy of the first message says what it says now: its last edit.
      for (const u of all.updates.filter((x) => x.message.id === sent[0]!.id)) assert.equal(u.message.content, 'first, edit 11');
    }
  });

  test('a change that alters nothing takes no seq: the same text again, a second delete, a reaction already there or already gone', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const m = await send(a, room, 'steady');
    const gone = await send(a, room, 'gone');
    const edit = { roomId: room, messageId: m.id, content: 'steady, edited' };
    const first = await core.messageActions.edit(a, edit);
    const again = await core.messageActions.edit(a, edit);
    assert.deepEqual(again, first, 'a retried edit answers with the same state');
    const react = { roomId: room, messageId: m.id, emoji: '❤️' };
    await core.messageActions.react(b, react, true);
    await core.messageActions.react(b, react, true);
    await core.messageActions.react(a, { ...react, emoji: '🎉' }, false);
    await core.messageActions.delete(a, { roomId: room, messageId: gone.id });
    await core.messageActions.delete(a, { roomId: room, messageId: gone.id });
    const all = await syncAll(b, room, 2);
    assert.deepEqual(
      all.updates.map((u) => u.seq),
      [3, 4, 5],
      'only the three real changes took a seq',
    );
    const now = await core.messages.get(a, room, m.id);
    assert.deepEqual(now.reactions, [{ emoji: '❤️', count: 1, userIds: [b] }]);
    assert.equal(now.version, 4);
  });

  test('who may change what: only the author edits; the author or an owner or admin deletes; any member reacts; nobody else', async () => {
    const [owner, author, other, outsider] = await Promise.all([user('owner'), user('author'), user('other'), user('outsider')]);
    const room = await roomOf(owner, [author, other]);
    const m = await send(author, room, 'mine');
    const ref = { roomId: room, messageId: m.id };
    assert.equal(await refusal(core.messageActions.edit(other, { ...ref, content: 'not yours' })), 'FORBIDDEN');
    assert.equal(await refusal(core.messageActions.edit(owner, { ...ref, content: 'not even the owner' })), 'FORBIDDEN');
    assert.equal(await refusal(core.messageActions.delete(other, ref)), 'FORBIDDEN');
    assert.equal(await refusal(core.messageActions.react(outsider, { ...ref, emoji: '👍' }, true)), 'FORBIDDEN');
    assert.equal(await refusal(core.messageActions.edit(author, { roomId: room, messageId: outsider, content: 'x' })), 'NOT_FOUND');
    assert.equal((await core.messages.get(author, room, m.id)).version, m.seq, 'nothing was changed by the refusals');

    await core.messageActions.react(other, { ...ref, emoji: '👍' }, true);
    const byOwner = await core.messageActions.delete(owner, ref);
    assert.equal(byOwner.deletedBy, owner);
    assert.equal(await refusal(core.messageActions.edit(author, { ...ref, content: 'too late' })), 'CONFLICT');
    assert.equal(await refusal(core.messageActions.react(other, { ...ref, emoji: '🎉' }, true)), 'CONFLICT');
    assert.deepEqual(byOwner.reactions, [], 'a tombstone keeps no reactions');
  });

  test(`a message takes at most ${LIMITS.reactionsPerMessageMax} different emoji; more people on one already there are fine`, async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const m = await send(a, room, 'popular');
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩'];
    for (const e of emoji.slice(0, LIMITS.reactionsPerMessageMax))
      await core.messageActions.react(a, { roomId: room, messageId: m.id, emoji: e }, true);
    const over = emoji[LIMITS.reactionsPerMessageMax]!;
    assert.equal(await refusal(core.messageActions.react(b, { roomId: room, messageId: m.id, emoji: over }, true)), 'VALIDATION');
    const joined = await core.messageActions.react(b, { roomId: room, messageId: m.id, emoji: emoji[0]! }, true);
    assert.deepEqual(joined.reactions![0], { emoji: emoji[0], count: 2, userIds: [a, b] });
    assert.equal(joined.reactions!.length, LIMITS.reactionsPerMessageMax);
  });

  test('search finds a message by its edited text, not its old one, and never a deleted one', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const m = await send(a, room, 'the quokka plan');
    const gone = await send(a, room, 'the wombat plan');
    await core.messageActions.edit(a, { roomId: room, messageId: m.id, content: 'the numbat plan' });
    await core.messageActions.delete(a, { roomId: room, messageId: gone.id });
    const find = async (q: string) => (await core.search.search(b, { q, roomId: room, limit: 10 })).hits.map((h) => h.message.content);
    assert.deepEqual(await find('numbat'), ['the numbat plan']);
    assert.deepEqual(await find('quokka'), []);
    assert.deepEqual(await find('wombat'), []);
    assert.deepEqual(await find('plan'), ['the numbat plan']);
  });

  test('pins: any member pins or unpins at the next seq; the list is newest first; a deleted message leaves it; a room keeps at most the cap', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const [m1, m2, m3] = [await send(a, room, 'p1'), await send(a, room, 'p2'), await send(b, room, 'p3')];
    const pinned = await core.messageActions.pin(b, { roomId: room, messageId: m1.id }, true);
    assert.ok(pinned.pinnedAt);
    assert.equal(pinned.pinnedBy, b);
    assert.equal(pinned.version, 4);
    await core.messageActions.pin(a, { roomId: room, messageId: m1.id }, true); // already pinned: nothing
    await core.messageActions.pin(a, { roomId: room, messageId: m3.id }, true);
    await core.messageActions.pin(a, { roomId: room, messageId: m2.id }, true);
    assert.deepEqual(
      (await core.messages.pinned(b, room)).messages.map((m) => m.content),
      ['p2', 'p3', 'p1'],
    );
    const unpinned = await core.messageActions.pin(a, { roomId: room, messageId: m3.id }, false);
    assert.equal(unpinned.pinnedAt, null);
    await core.messageActions.delete(a, { roomId: room, messageId: m2.id });
    assert.deepEqual(
      (await core.messages.pinned(a, room)).messages.map((m) => m.content),
      ['p1'],
    );
    const all = await syncAll(b, room, 3);
    assert.deepEqual(
      all.updates.map((u) => u.seq),
      [4, 5, 6, 7, 8],
      'pin, pin, pin, unpin, delete: five changes, the repeated pin took none',
    );
    const outsider = await user('x');
    assert.equal(await refusal(core.messageActions.pin(outsider, { roomId: room, messageId: m1.id }, true)), 'FORBIDDEN');
    assert.equal(await refusal(core.messages.pinned(outsider, room)), 'FORBIDDEN');
  });

  test(`a room keeps at most ${LIMITS.pinsPerRoomMax} pinned messages`, async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const sent: Message[] = [];
    for (let i = 0; i <= LIMITS.pinsPerRoomMax; i++) sent.push(await send(a, room, `pin me ${i}`));
    for (const m of sent.slice(0, LIMITS.pinsPerRoomMax)) await core.messageActions.pin(a, { roomId: room, messageId: m.id }, true);
    assert.equal(await refusal(core.messageActions.pin(a, { roomId: room, messageId: sent.at(-1)!.id }, true)), 'CONFLICT');
    await core.messageActions.pin(a, { roomId: room, messageId: sent[0]!.id }, false);
    assert.ok((await core.messageActions.pin(a, { roomId: room, messageId: sent.at(-1)!.id }, true)).pinnedAt);
  });

  test('threads: a reply takes its seq and its root the next; the thread pages in seq order; a reply cannot start a thread; a retry links once', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const root = await send(a, room, 'shall we?');
    bc.emits.length = 0;
    const reply = async (userId: string, content: string, clientMsgId = `t-${content}`) =>
      (await core.messages.send(userId, { roomId: room, clientMsgId, content, threadRootId: root.id })).message;
    const r1 = await reply(b, 'yes');
    assert.deepEqual([r1.seq, r1.threadRootId], [2, root.id]);
    const r2 = await reply(a, 'then let us');
    assert.equal(r2.seq, 4);
    assert.deepEqual(
      bc.emits
        .filter((e) => e.to.room === room)
        .map((e) => [e.event, e.event === 'message:new' ? (e.payload as Message).seq : (e.payload as MessageUpdate).seq]),
      [
        ['message:new', 2],
        ['message:updated', 3],
        ['message:new', 4],
        ['message:updated', 5],
      ],
    );
    const counted = (bc.emits.at(-1)!.payload as MessageUpdate).message;
    assert.deepEqual([counted.id, counted.replyCount, counted.lastReplyAt], [root.id, 2, r2.createdAt]);

    // A retried reply is answered with the original and counts once.
    const again = await core.messages.send(a, {
      roomId: room,
      clientMsgId: 't-then let us',
      content: 'then let us',
      threadRootId: root.id,
    });
    assert.equal(again.created, false);
    assert.equal((await core.messages.get(a, room, root.id)).replyCount, 2);

    const page = await core.messages.thread(b, room, root.id, { after: 0, limit: 1 });
    assert.deepEqual([page.root.id, page.replies.map((m) => m.content), page.hasMore], [root.id, ['yes'], true]);
    const rest = await core.messages.thread(b, room, root.id, { after: page.replies[0]!.seq, limit: 10 });
    assert.deepEqual([rest.replies.map((m) => m.content), rest.hasMore], [['then let us'], false]);

    // An edit of a reply keeps it in its thread.
    const editedReply = await core.messageActions.edit(b, { roomId: room, messageId: r1.id, content: 'yes!' });
    assert.equal(editedReply.threadRootId, root.id);
    // Catch-up sees replies as messages and the counts as updates, gap-free.
    const all = await syncAll(b, room, 1);
    assert.deepEqual(
      all.messages.map((m) => [m.seq, m.threadRootId]),
      [
        [2, root.id],
        [4, root.id],
      ],
    );

    const nested = core.messages.send(a, { roomId: room, clientMsgId: 'nest', content: 'deeper', threadRootId: r1.id });
    assert.equal(await refusal(nested), 'VALIDATION');
    const elsewhere = await roomOf(a, [b]);
    const foreign = core.messages.send(a, { roomId: elsewhere, clientMsgId: 'cross', content: 'x', threadRootId: root.id });
    assert.equal(await refusal(foreign), 'VALIDATION');
    await core.messageActions.delete(a, { roomId: room, messageId: root.id });
    assert.equal(await refusal(reply(b, 'too late')), 'CONFLICT');
    assert.equal(await refusal(core.messages.thread(await user('stranger'), room, root.id, { after: 0, limit: 10 })), 'FORBIDDEN');
  });

  test('deleting the room forgets its changes too', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const room = await roomOf(a, [b]);
    const m = await send(a, room, 'soon gone');
    await core.messageActions.react(b, { roomId: room, messageId: m.id, emoji: '👋' }, true);
    await core.messages.send(b, { roomId: room, clientMsgId: 'bye', content: 'bye', threadRootId: m.id });
    await core.rooms.remove(room, a);
    const left = await db.ds.query(
      `SELECT (SELECT count(*) FROM message_changes WHERE room_id = $1)::int + (SELECT count(*) FROM message_states WHERE room_id = $1)::int
            + (SELECT count(*) FROM message_reactions WHERE room_id = $1)::int
            + (SELECT count(*) FROM message_threads WHERE room_id = $1)::int AS n`,
      [room],
    );
    assert.equal(left[0].n, 0);
  });
});
