import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, MessageUpdate, PinnedMessages, RoomSyncResult, ThreadPage } from '@qc/shared';
import { ApiHarness, call, waitFor, type ClientSocket } from './support/api-harness';

/*
 * The room stream through real sockets and REST against the real api (embedded
 * PostgreSQL): message:edit, message:delete, reaction:add|remove, message:updated, and
 * room:sync's updates. The delivery contract for changes: authorised on every event,
 * validated at the edge with nothing stored, one order, a retry lands once.
 */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start({ RATE_LIMIT_MESSAGES_PER_SEC: '200', RATE_LIMIT_MESSAGES_BURST: '200' });
});
after(async () => {
  await h?.stop();
});

async function pair() {
  const [a, b] = await Promise.all([h.user('ann'), h.user('bob')]);
  const room = await h.group(a, [b]);
  const [sa, sb] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken)]);
  return { a, b, room: room.id, sa, sb };
}

async function send(socket: ClientSocket, roomId: string, content: string): Promise<Message> {
  const r = await call(socket, 'message:send', { roomId, clientMsgId: `m${Math.random().toString(36).slice(2)}`, content });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.message as Message;
}

/** The room's last seq, as a member's sync sees it. */
async function lastSeq(socket: ClientSocket, roomId: string): Promise<number> {
  const r = (await call(socket, 'room:sync', { roomId, afterSeq: 0, limit: 200 })) as unknown as RoomSyncResult & { ok: boolean };
  return Math.max(0, ...r.messages.map((m) => m.seq), ...r.updates.map((u) => u.seq));
}

describe('changes to messages over sockets', () => {
  test('the others get message:updated at the next seq, with the message as it is now', async () => {
    const { a, room, sa, sb } = await pair();
    const m = await send(sa, room, 'helo');
    const seen = waitFor<MessageUpdate>(sb, 'message:updated', (u) => u.roomId === room);
    const ack = await call(sa, 'message:edit', { roomId: room, messageId: m.id, content: 'hello' });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    const u = await seen;
    assert.equal(u.seq, m.seq + 1);
    assert.deepEqual(u.message, ack.message);
    assert.equal(u.message.content, 'hello');
    assert.ok(u.message.editedAt);
    assert.equal(u.message.senderId, a.user.id);

    const reacted = waitFor<MessageUpdate>(sa, 'message:updated', (x) => x.roomId === room && x.seq === m.seq + 2);
    assert.equal((await call(sb, 'reaction:add', { roomId: room, messageId: m.id, emoji: '🎉' })).ok, true);
    assert.deepEqual(
      (await reacted).message.reactions?.map((r) => [r.emoji, r.count]),
      [['🎉', 1]],
    );

    const gone = waitFor<MessageUpdate>(sb, 'message:updated', (x) => x.roomId === room && x.seq === m.seq + 3);
    assert.equal((await call(sa, 'message:delete', { roomId: room, messageId: m.id })).ok, true);
    const tomb = (await gone).message;
    assert.equal(tomb.content, '');
    assert.ok(tomb.deletedAt);
    assert.deepEqual(tomb.reactions, []);
  });

  test('B was away: A edits an old message, deletes another, reacts to a third, sends a new one; B catches up all four in seq order', async () => {
    const { a, b, room, sa, sb } = await pair();
    const [m1, m2, m3] = [await send(sa, room, 'one'), await send(sa, room, 'two'), await send(sb, room, 'three')];
    sb.disconnect();
    assert.equal((await call(sa, 'message:edit', { roomId: room, messageId: m1.id, content: 'one (edited)' })).ok, true);
    assert.equal((await call(sa, 'message:delete', { roomId: room, messageId: m2.id })).ok, true);
    assert.equal((await call(sa, 'reaction:add', { roomId: room, messageId: m3.id, emoji: '👍' })).ok, true);
    const m4 = await send(sa, room, 'four');

    const back = await h.connect(b.accessToken);
    const r = (await call(back, 'room:sync', { roomId: room, afterSeq: m3.seq })) as unknown as RoomSyncResult & { ok: boolean };
    assert.equal(r.ok, true);
    assert.equal(r.hasMore, false);
    const stream = [
      ...r.updates.map((u) => ({ seq: u.seq, what: `${u.message.id === m1.id ? 'm1' : u.message.id === m2.id ? 'm2' : 'm3'}` })),
      ...r.messages.map((m) => ({ seq: m.seq, what: m.id === m4.id ? 'm4' : '?' })),
    ].sort((x, y) => x.seq - y.seq);
    assert.deepEqual(stream, [
      { seq: 4, what: 'm1' },
      { seq: 5, what: 'm2' },
      { seq: 6, what: 'm3' },
      { seq: 7, what: 'm4' },
    ]);
    assert.equal(r.updates[0]!.message.content, 'one (edited)');
    assert.ok(r.updates[1]!.message.deletedAt);
    assert.deepEqual(r.updates[2]!.message.reactions, [{ emoji: '👍', count: 1, userIds: [a.user.id] }]);
  });

  test('only the author edits; a member may not delete what is not theirs; the owner may; outsiders get FORBIDDEN', async () => {
    const [owner, author, member, outsider] = await Promise.all([h.user('own'), h.user('auth'), h.user('mem'), h.user('out')]);
    const room = (await h.group(owner, [author, member])).id;
    const [so, sa, sm, sx] = await Promise.all([owner, author, member, outsider].map((u) => h.connect(u.accessToken)));
    const m = await send(sa!, room, 'mine');
    const before = await lastSeq(sa!, room);
    const ref = { roomId: room, messageId: m.id };
    for (const [socket, event, payload] of [
      [sm, 'message:edit', { ...ref, content: 'not yours' }],
      [so, 'message:edit', { ...ref, content: 'not even the owner' }],
      [sm, 'message:delete', ref],
      [sx, 'reaction:add', { ...ref, emoji: '👍' }],
      [sx, 'message:delete', ref],
    ] as const) {
      const r = await call(socket!, event, payload);
      assert.equal(r.error?.code, 'FORBIDDEN', `${event}: ${JSON.stringify(r)}`);
    }
    assert.equal(await lastSeq(sa!, room), before, 'nothing was stored by a refused change');
    const byOwner = await call(so!, 'message:delete', ref);
    assert.equal(byOwner.ok, true);
    assert.equal((byOwner.message as Message).deletedBy, owner.user.id);
    const late = await call(sa!, 'message:edit', { ...ref, content: 'too late' });
    assert.equal(late.error?.code, 'CONFLICT');
  });

  test('bad payloads get VALIDATION and store nothing; the connection stays up', async () => {
    const { room, sa } = await pair();
    const m = await send(sa, room, 'target');
    const before = await lastSeq(sa, room);
    const bad: [string, unknown][] = [
      ['message:edit', { roomId: room, messageId: m.id, content: '' }],
      ['message:edit', { roomId: room, messageId: m.id, content: 'x'.repeat(4001) }],
      ['message:edit', { roomId: room, messageId: m.id }],
      ['message:edit', { roomId: room, messageId: 'not-a-uuid', content: 'x' }],
      ['message:edit', { roomId: room, messageId: m.id, content: 'x', senderId: m.senderId }],
      ['message:delete', { roomId: room }],
      ['reaction:add', { roomId: room, messageId: m.id, emoji: 'thumbsup' }],
      ['reaction:add', { roomId: room, messageId: m.id, emoji: '👍👍' }],
      ['reaction:remove', { roomId: room, messageId: m.id, emoji: '' }],
      ['reaction:add', 'not an object'],
    ];
    for (const [event, payload] of bad) {
      const r = await call(sa, event as 'message:edit', payload);
      assert.equal(r.error?.code, 'VALIDATION', `${event} ${JSON.stringify(payload)}: ${JSON.stringify(r)}`);
    }
    assert.equal(sa.connected, true);
    assert.equal(await lastSeq(sa, room), before);
  });

  test('a retried edit or reaction lands once: the same answer, no second seq', async () => {
    const { room, sa, sb } = await pair();
    const m = await send(sa, room, 'once');
    const edit = { roomId: room, messageId: m.id, content: 'once, edited' };
    const [e1, e2] = [await call(sa, 'message:edit', edit), await call(sa, 'message:edit', edit)];
    assert.deepEqual(e2.message, e1.message);
    const react = { roomId: room, messageId: m.id, emoji: '✅' };
    const [r1, r2] = await Promise.all([call(sb, 'reaction:add', react), call(sb, 'reaction:add', react)]);
    assert.equal(r1.ok && r2.ok, true);
    const now = r2.message as Message;
    assert.deepEqual(
      now.reactions?.map((r) => [r.emoji, r.count]),
      [['✅', 1]],
    );
    assert.equal(await lastSeq(sa, room), m.seq + 2, 'one edit and one reaction: two seqs');
  });
});

describe('replies', () => {
  test('a reply names a message of the same room; one of another room, or none, is VALIDATION and stores nothing', async () => {
    const { room, sa, sb } = await pair();
    const original = await send(sa, room, 'question?');
    const reply = await call(sb, 'message:send', { roomId: room, clientMsgId: 'reply-1', content: 'answer', replyTo: original.id });
    assert.equal(reply.ok, true, JSON.stringify(reply));
    assert.equal((reply.message as Message).replyTo, original.id);
    const elsewhere = await pair();
    const foreign = await send(elsewhere.sa, elsewhere.room, 'private');
    const before = await lastSeq(sb, room);
    for (const replyTo of [foreign.id, '01a20792-8333-7000-85fe-754887c65753']) {
      const r = await call(sb, 'message:send', { roomId: room, clientMsgId: `reply-${replyTo.slice(0, 8)}`, content: 'x', replyTo });
      assert.equal(r.error?.code, 'VALIDATION', JSON.stringify(r));
    }
    assert.equal(await lastSeq(sb, room), before);
  });
});

describe('threads', () => {
  test('a reply in a thread reaches the others as message:new with threadRootId, its root as message:updated with the count; GET …/thread pages it', async () => {
    const { a, b, room, sa, sb } = await pair();
    const root = await send(sa, room, 'thread starter');
    const arrived = waitFor<Message>(sa, 'message:new', (m) => m.roomId === room && m.threadRootId === root.id);
    const counted = waitFor<MessageUpdate>(sa, 'message:updated', (u) => u.roomId === room && u.message.id === root.id);
    const ack = await call(sb, 'message:send', { roomId: room, clientMsgId: 'in-thread', content: 'in the thread', threadRootId: root.id });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal((await arrived).content, 'in the thread');
    assert.deepEqual([(await counted).seq, (await counted).message.replyCount], [root.seq + 2, 1]);
    const page = await h.http<ThreadPage>('GET', `/rooms/${room}/messages/${root.id}/thread?limit=10`, { token: a.accessToken });
    assert.equal(page.status, 200);
    assert.deepEqual(
      page.body.replies.map((m) => [m.content, m.senderId]),
      [['in the thread', b.user.id]],
    );
    const bad = await call(sb, 'message:send', { roomId: room, clientMsgId: 'bad-root', content: 'x', threadRootId: 'nope' });
    assert.equal(bad.error?.code, 'VALIDATION');
    const badQuery = await h.http<{ error: { code: string } }>('GET', `/rooms/${room}/messages/${root.id}/thread?limit=0`, {
      token: a.accessToken,
    });
    assert.deepEqual([badQuery.status, badQuery.body.error.code], [400, 'VALIDATION']);
  });
});

describe('pins', () => {
  test('message:pin reaches the others as message:updated; GET /pins lists them; REST pins and unpins too', async () => {
    const { a, b, room, sa, sb } = await pair();
    const m = await send(sa, room, 'remember this');
    const seen = waitFor<MessageUpdate>(sb, 'message:updated', (u) => u.roomId === room);
    const ack = await call(sb, 'message:pin', { roomId: room, messageId: m.id, pinned: true });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    assert.equal((await seen).message.pinnedBy, b.user.id);
    const pins = await h.http<PinnedMessages>('GET', `/rooms/${room}/pins`, { token: a.accessToken });
    assert.deepEqual(
      pins.body.messages.map((x) => x.id),
      [m.id],
    );
    const off = await h.http<Message>('DELETE', `/rooms/${room}/messages/${m.id}/pin`, { token: a.accessToken });
    assert.equal(off.body.pinnedAt, null);
    const on = await h.http<Message>('POST', `/rooms/${room}/messages/${m.id}/pin`, { token: a.accessToken });
    assert.equal(on.body.pinnedBy, a.user.id);
    assert.equal((await call(sa, 'message:pin', { roomId: room, messageId: m.id })).error?.code, 'VALIDATION');
    const outsider = await h.user('peek');
    const denied = await h.http<{ error: { code: string } }>('GET', `/rooms/${room}/pins`, { token: outsider.accessToken });
    assert.deepEqual([denied.status, denied.body.error.code], [403, 'FORBIDDEN']);
  });
});

describe('changes to messages over REST', () => {
  test('GET, PATCH and DELETE a message and POST|DELETE its reactions; errors in the usual envelope', async () => {
    const { a, b, room, sa } = await pair();
    const m = await send(sa, room, 'rest');
    const url = `/rooms/${room}/messages/${m.id}`;
    const got = await h.http<Message>('GET', url, { token: b.accessToken });
    assert.equal(got.status, 200);
    assert.equal(got.body.content, 'rest');

    const edited = await h.http<Message>('PATCH', url, { token: a.accessToken, body: { content: 'rest, edited' } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.content, 'rest, edited');
    const notYours = await h.http<{ error: { code: string } }>('PATCH', url, { token: b.accessToken, body: { content: 'mine now' } });
    assert.deepEqual([notYours.status, notYours.body.error.code], [403, 'FORBIDDEN']);
    const empty = await h.http<{ error: { code: string } }>('PATCH', url, { token: a.accessToken, body: { content: ' ' } });
    assert.deepEqual([empty.status, empty.body.error.code], [400, 'VALIDATION']);

    const reacted = await h.http<Message>('POST', `${url}/reactions`, { token: b.accessToken, body: { emoji: '🚀' } });
    assert.equal(reacted.status, 200);
    assert.deepEqual(reacted.body.reactions, [{ emoji: '🚀', count: 1, userIds: [b.user.id] }]);
    const unreacted = await h.http<Message>('DELETE', `${url}/reactions`, { token: b.accessToken, body: { emoji: '🚀' } });
    assert.deepEqual(unreacted.body.reactions, []);
    const badEmoji = await h.http<{ error: { code: string } }>('POST', `${url}/reactions`, {
      token: b.accessToken,
      body: { emoji: ':rocket:' },
    });
    assert.deepEqual([badEmoji.status, badEmoji.body.error.code], [400, 'VALIDATION']);

    const deleted = await h.http<Message>('DELETE', url, { token: a.accessToken });
    assert.equal(deleted.status, 200);
    assert.ok(deleted.body.deletedAt);
    const history = await h.http<{ messages: Message[] }>('GET', `/rooms/${room}/messages`, { token: b.accessToken });
    assert.deepEqual(
      history.body.messages.map((x) => [x.content, !!x.deletedAt]),
      [['', true]],
    );

    const outsider = await h.user('nosy');
    const forbidden = await h.http<{ error: { code: string } }>('GET', url, { token: outsider.accessToken });
    assert.deepEqual([forbidden.status, forbidden.body.error.code], [403, 'FORBIDDEN']);
    const missing = await h.http<{ error: { code: string } }>('GET', `/rooms/${room}/messages/${outsider.user.id}`, {
      token: a.accessToken,
    });
    assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
    const badId = await h.http<{ error: { code: string } }>('GET', `/rooms/${room}/messages/nope`, { token: a.accessToken });
    assert.deepEqual([badId.status, badId.body.error.code], [400, 'VALIDATION']);
  });
});
