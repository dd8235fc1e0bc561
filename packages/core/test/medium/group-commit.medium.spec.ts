import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import { AppError, knownError } from '../../src/errors';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * The hot path on a real PostgreSQL (issue #11): sends to one room that arrive together are
 * committed together, nothing is asked of the database before the commit, and a room past its
 * queue's bound refuses at once with OVERLOADED rather than making people wait.
 */

let t: TestCore;
let batches: number[];
let lookups: string[];
let memberReads: string[];

before(async () => {
  // A small room bound, so that a burst of 60 to one room overflows it.
  t = await startTestCore({ SEND_QUEUE_PER_ROOM: '20', SEND_QUEUE_MAX_WAIT_MS: '60000' });
  batches = [];
  lookups = [];
  memberReads = [];
  // What a send asked the database before its commit, when it asked anything.
  const getMembership = t.core.meta.getMembership.bind(t.core.meta);
  t.core.meta.getMembership = (roomId, userId) => (lookups.push('membership'), getMembership(roomId, userId));
  const findByClientMsgId = t.core.messageStore.findByClientMsgId.bind(t.core.messageStore);
  t.core.messageStore.findByClientMsgId = (...args) => (lookups.push('clientMsgId'), findByClientMsgId(...args));
  // The room state in memory reads a room's members once, then answers from memory.
  const listMembers = t.core.meta.listMembers.bind(t.core.meta);
  t.core.meta.listMembers = (roomId) => (memberReads.push(roomId), listMembers(roomId));
  const appendBatch = t.core.messageStore.appendBatch.bind(t.core.messageStore);
  t.core.messageStore.appendBatch = (items, scope) => (batches.push(items.length), appendBatch(items, scope));
});
after(async () => t?.stop());

describe('group commit', () => {
  test('a burst to one room is committed in a few batches, in order, gap-free; past the bound the rest is refused OVERLOADED and lands once resent', async (ctx) => {
    const people = await Promise.all(['a', 'b', 'c'].map((n) => t.user(`gc-${n}`)));
    const { room } = await t.core.rooms.create(people[0]!, { kind: 'group', name: 'burst', memberIds: people.slice(1) });
    batches.length = 0;
    lookups.length = 0;
    memberReads.length = 0;
    const sends = Array.from({ length: 60 }, (_, i) => ({ senderId: people[i % 3]!, clientMsgId: `burst-${i}` }));
    const outcomes = await Promise.all(
      sends.map((s) =>
        t.core.messages.send(s.senderId, { roomId: room.id, clientMsgId: s.clientMsgId, content: s.clientMsgId }).then(
          (r) => r.message,
          (e: unknown) => knownError(e),
        ),
      ),
    );
    const stored = outcomes.filter((o): o is Message => !!o && 'seq' in o);
    const refused = outcomes.filter((o): o is AppError => o instanceof AppError);
    assert.equal(stored.length + refused.length, 60, 'every send answered: stored or refused with a code');
    assert.ok(stored.length >= 20, `at least one room's bound of sends was taken (${stored.length})`);
    assert.ok(refused.length > 0, 'a burst of 60 into a bound of 20 refuses some');
    for (const r of refused) {
      assert.equal(r.code, 'OVERLOADED');
      assert.ok((r.retryAfterMs ?? 0) > 0, 'with a retry-after');
    }
    assert.deepEqual(
      stored.map((m) => m.seq).sort((a, b) => a - b),
      stored.map((_, i) => i + 1),
      'gap-free',
    );
    assert.ok(batches.length < stored.length / 2, `${stored.length} sends committed in ${batches.length} batches (${batches.join(', ')})`);
    ctx.diagnostic(`${stored.length} sends committed in ${batches.length} batches (${batches.join(', ')}); ${refused.length} refused`);
    assert.deepEqual(lookups, [], 'no membership or idempotency lookup of its own before a commit');
    assert.deepEqual(memberReads, [room.id], "the room's members read once for all 60 sends, then held in memory");

    // Each refused send, resent with its clientMsgId, lands once; a resend of a stored one answers with the original.
    const refusedIds = sends.filter((_, i) => !('seq' in (outcomes[i] ?? {})));
    for (const s of refusedIds)
      await t.core.messages.send(s.senderId, { roomId: room.id, clientMsgId: s.clientMsgId, content: s.clientMsgId });
    const again = await t.core.messages.send(sends[0]!.senderId, { roomId: room.id, clientMsgId: sends[0]!.clientMsgId, content: 'x' });
    assert.equal(again.created, false);
    const all = (await t.core.messages.sync(people[0]!, { roomId: room.id, afterSeq: 0, limit: 200 })).messages;
    assert.equal(all.length, 60);
    assert.deepEqual(new Set(all.map((m) => m.clientMsgId)).size, 60);
    assert.deepEqual(
      all.map((m) => m.seq),
      all.map((_, i) => i + 1),
    );
    // Published in seq order, each once.
    const published = t.broadcaster.newSeqsOf(room.id);
    assert.deepEqual(
      published,
      all.map((m) => m.seq),
    );
  });

  test('a member removed while their send waits in the queue is refused FORBIDDEN at commit and nothing is stored', async () => {
    const [owner, gone] = await Promise.all([t.user('gc-owner'), t.user('gc-gone')]);
    const { room } = await t.core.rooms.create(owner, { kind: 'group', name: 'leaving', memberIds: [gone] });
    // A first send puts the room's members in memory: the late one passes that check at once.
    await t.core.messages.send(gone, { roomId: room.id, clientMsgId: 'first', content: 'still here' });
    // Hold the room's queue, so the send is queued (as a member) but not yet committed.
    let release!: () => void;
    const held = t.core.messages.commitQueue.run(room.id, () => new Promise<void>((r) => (release = r)));
    const late = t.core.messages.send(gone, { roomId: room.id, clientMsgId: 'late', content: 'after leaving' });
    await t.core.rooms.removeMember(room.id, owner, gone);
    release();
    await held;
    await assert.rejects(late, { code: 'FORBIDDEN' });
    const history = (await t.core.messages.sync(owner, { roomId: room.id, afterSeq: 0 })).messages;
    assert.deepEqual(
      history.map((m) => m.clientMsgId),
      ['first'],
      'nothing stored, no seq taken',
    );
    assert.equal((await t.core.messages.send(owner, { roomId: room.id, clientMsgId: 'next', content: 'x' })).message.seq, 2);
  });

  test("the room's state in memory: a stranger is refused and a repeat answered without a commit; someone added since the members were read sends at once", async () => {
    const [owner, stranger, newcomer] = await Promise.all([t.user('rs-owner'), t.user('rs-stranger'), t.user('rs-newcomer')]);
    const { room } = await t.core.rooms.create(owner, { kind: 'group', name: 'state', memberIds: [] });
    const first = await t.core.messages.send(owner, { roomId: room.id, clientMsgId: 'one', content: 'hello' });
    batches.length = 0;
    memberReads.length = 0;

    await assert.rejects(t.core.messages.send(stranger, { roomId: room.id, clientMsgId: 's1', content: 'let me in' }), {
      code: 'FORBIDDEN',
    });
    await assert.rejects(t.core.messages.send(stranger, { roomId: room.id, clientMsgId: 's2', content: 'again' }), { code: 'FORBIDDEN' });
    assert.deepEqual(batches, [], 'a stranger takes no place in a commit');
    assert.deepEqual(memberReads, [room.id], 'read again once before the first refusal, then refused from memory');

    const repeat = await t.core.messages.send(owner, { roomId: room.id, clientMsgId: 'one', content: 'hello' });
    assert.equal(repeat.created, false);
    assert.equal(repeat.message.id, first.message.id);
    assert.deepEqual(batches, [], 'the repeat was answered from memory');

    // Added by the owner: the membership event drops the members held, so the newcomer is not refused from memory.
    await t.core.rooms.addMember(room.id, owner, { userId: newcomer });
    const sent = await t.core.messages.send(newcomer, { roomId: room.id, clientMsgId: 'n1', content: 'hi all' });
    assert.equal(sent.message.seq, 2);
  });
});
