import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, mentionToken as at } from '@qc/shared';
import { AppError, knownError } from '../../src/errors';
import { startTestCore, type TestCore } from '../support/test-core';
import { commitRoomBatch } from '../../src/adapters/postgres/group-commit';
import { KEYS_TABLE } from '../../src/adapters/cassandra/cassandra-message-store.adapter';
import { uuidv7 } from '../../src/lib/uuidv7';

/*
 * Mentions on a real PostgreSQL (issue #12): stored by the statement that commits the
 * message, counted per member as unread "@"s in their room list, and the thread's
 * participants counted as mentioned by a reply (the room-stream issue's last point).
 */

let t: TestCore;
before(async () => {
  t = await startTestCore();
});
after(async () => t?.stop());

let n = 0;
const send = (userId: string, roomId: string, content: string, extra: { threadRootId?: string } = {}) =>
  t.core.messages.send(userId, { roomId, clientMsgId: `m${++n}`, content, ...extra }).then((r) => r.message);

/** The "@" count in this person's room list for the room. */
async function mentionCount(userId: string, roomId: string) {
  const room = (await t.core.rooms.listMine(userId)).find((r) => r.id === roomId);
  assert.ok(room, 'the room is in their list');
  return room.mentionCount;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => knownError(err),
  );
  assert.ok(e instanceof AppError, 'refused with a code');
  return e;
}

describe('mentions', () => {
  test('a mention counts for the one mentioned until they read past it; the sender, others and strangers are not counted', async () => {
    const [owner, bea, cal, stranger] = await Promise.all(['ow', 'bea', 'cal', 'str'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'mentions', memberIds: [bea!, cal!] });
    const m1 = await send(owner!, room.id, `hi ${at(bea!)} and ${at(stranger!)} and me ${at(owner!)}`);
    assert.deepEqual(
      m1.mentions,
      { userIds: [bea!, stranger!], everyone: false },
      'the live message says whom it mentions (not its sender)',
    );
    await send(cal!, room.id, `also ${at(bea!)}`);
    await send(cal!, room.id, 'no mention here');
    assert.equal(await mentionCount(bea!, room.id), 2);
    assert.equal(await mentionCount(cal!, room.id), 0);
    assert.equal(await mentionCount(owner!, room.id), 0, 'mentioning yourself counts for nobody');
    const rows = await t.db.ds.query(`SELECT user_id FROM message_mentions WHERE room_id = $1 ORDER BY seq`, [room.id]);
    assert.deepEqual(
      rows.map((r: { user_id: string }) => r.user_id),
      [bea, bea],
      'a stranger mentioned leaves no row',
    );

    await t.core.receipts.markRead(bea!, room.id, m1.seq);
    assert.equal(await mentionCount(bea!, room.id), 1, 'read up to the first: one left');
    await t.core.receipts.markRead(bea!, room.id, m1.seq + 2);
    assert.equal(await mentionCount(bea!, room.id), 0);
  });

  test('a mention in code is not a mention', async () => {
    const [owner, bea] = await Promise.all(['ow2', 'bea2'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'code', memberIds: [bea!] });
    const m = await send(owner!, room.id, `\`${at(bea!)}\` and\n\`\`\`\n@channel\n\`\`\``);
    assert.equal(m.mentions, undefined);
    assert.equal(await mentionCount(bea!, room.id), 0);
  });

  test('@channel counts for every member; only owners and admins may use @here or @channel, and a refused send stores nothing', async () => {
    const [owner, bea, cal] = await Promise.all(['ow3', 'bea3', 'cal3'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'channel', name: `all-${n}` });
    // Anyone may join a channel (addMember of oneself).
    for (const u of [bea!, cal!]) await t.core.rooms.addMember(room.id, u, { userId: u });
    assert.deepEqual(await t.core.rooms.notifications(room.id, bea!), { level: 'mentions', mutedUntil: null }, "a channel's default");
    const m = await send(owner!, room.id, '@channel standup in 5');
    assert.deepEqual(m.mentions, { userIds: [], everyone: true });
    assert.equal(await mentionCount(bea!, room.id), 1);
    assert.equal(await mentionCount(cal!, room.id), 1);

    for (const word of ['@channel', '@here']) {
      const e = await refusal(send(bea!, room.id, `${word} look`));
      assert.equal(e.code, 'FORBIDDEN');
      assert.match(e.message, /owners and admins/);
    }
    const history = await t.core.messages.sync(owner!, { roomId: room.id, afterSeq: 0, limit: 50 });
    assert.deepEqual(
      history.messages.map((x) => x.content),
      ['@channel standup in 5'],
      'nothing of the refused sends was stored',
    );
  });

  test('@here mentions the members online when it is sent, not the others', async () => {
    const [owner, online, offline] = await Promise.all(['ow4', 'on4', 'off4'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'here', memberIds: [online!, offline!] });
    await t.core.presenceStore.setConnection(online!, 'tab-1', 'online', 60_000);
    const m = await send(owner!, room.id, '@here quick one');
    assert.deepEqual(m.mentions, { userIds: [online!], everyone: false });
    assert.equal(await mentionCount(online!, room.id), 1);
    assert.equal(await mentionCount(offline!, room.id), 0);
  });

  test(`more than ${LIMITS.mentionsPerMessageMax} people in one message is refused VALIDATION, nothing stored`, async () => {
    const [owner] = await Promise.all([t.user('mn-ow5')]);
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'many', memberIds: [] });
    const ids = Array.from(
      { length: LIMITS.mentionsPerMessageMax + 1 },
      (_, i) => `0190a0b0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    );
    const e = await refusal(send(owner!, room.id, ids.map(at).join(' ')));
    assert.equal(e.code, 'VALIDATION');
    assert.equal((await t.core.messages.sync(owner!, { roomId: room.id, afterSeq: 0, limit: 10 })).messages.length, 0);
  });

  test("a reply in a thread counts as a mention for the thread's author and everyone who replied in it before", async () => {
    const [root, replier, late, bystander] = await Promise.all(['root', 'rep', 'late', 'by'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(root!, { kind: 'group', name: 'thread', memberIds: [replier!, late!, bystander!] });
    const parent = await send(root!, room.id, 'a question');
    for (const u of [root, replier, late, bystander]) await t.core.receipts.markRead(u!, room.id, parent.seq);
    const r1 = await send(replier!, room.id, 'an answer', { threadRootId: parent.id });
    assert.deepEqual(r1.mentions?.userIds, [root!], 'the first reply tells the root author');
    const r2 = await send(late!, room.id, 'another', { threadRootId: parent.id });
    assert.deepEqual(new Set(r2.mentions?.userIds), new Set([root!, replier!]));
    assert.equal(await mentionCount(root!, room.id), 2);
    assert.equal(await mentionCount(replier!, room.id), 1, 'the replier, by the reply after theirs');
    assert.equal(await mentionCount(late!, room.id), 0);
    assert.equal(await mentionCount(bystander!, room.id), 0, 'someone not in the thread is not counted');
  });

  test('a deleted message mentions nobody any more', async () => {
    const [owner, bea] = await Promise.all(['ow6', 'bea6'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'deleted', memberIds: [bea!] });
    const m = await send(owner!, room.id, `oops ${at(bea!)}`);
    assert.equal(await mentionCount(bea!, room.id), 1);
    await t.core.messageActions.delete(owner!, { roomId: room.id, messageId: m.id });
    assert.equal(await mentionCount(bea!, room.id), 0);
  });
});

describe('notification settings', () => {
  test('level and mute are kept per member, read back, and told to their other devices; a past mute is none', async () => {
    const [owner, bea] = await Promise.all(['ow7', 'bea7'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'levels', memberIds: [bea!] });
    assert.deepEqual(await t.core.rooms.notifications(room.id, bea!), { level: 'all', mutedUntil: null }, "a group's default");
    const until = new Date(Date.now() + 3_600_000).toISOString();
    t.broadcaster.emits.length = 0;
    const set = await t.core.rooms.setNotifications(room.id, bea!, { level: 'mentions', mutedUntil: until });
    assert.deepEqual(set, { level: 'mentions', mutedUntil: until });
    assert.deepEqual(await t.core.rooms.notifications(room.id, bea!), set);
    assert.deepEqual((await t.core.rooms.listMine(bea!)).find((r) => r.id === room.id)?.notifications, set);
    assert.deepEqual(
      await t.core.rooms.notifications(room.id, owner!),
      { level: 'all', mutedUntil: null },
      "another member's are their own",
    );
    assert.deepEqual(
      t.broadcaster.of('room:notifications').map((e) => ({ to: e.to, payload: e.payload })),
      [{ to: { users: [bea] }, payload: { roomId: room.id, ...set } }],
      'told to their devices, and to nobody else',
    );
    const past = await t.core.rooms.setNotifications(room.id, bea!, {
      level: 'none',
      mutedUntil: new Date(Date.now() - 1000).toISOString(),
    });
    assert.deepEqual(past, { level: 'none', mutedUntil: null });
  });

  test('a stranger can neither read nor set them', async () => {
    const [owner, stranger] = await Promise.all(['ow8', 'str8'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'private', memberIds: [] });
    assert.equal((await refusal(t.core.rooms.notifications(room.id, stranger!))).code, 'FORBIDDEN');
    assert.equal((await refusal(t.core.rooms.setNotifications(room.id, stranger!, { level: 'none' }))).code, 'FORBIDDEN');
  });
});

describe('the commit statement of the Cassandra profile', () => {
  test('stores mentions beside message_keys (its seq, key and outbox row) the same way', async () => {
    const [owner, bea] = await Promise.all(['ow9', 'bea9'].map((x) => t.user(`mn-${x}`)));
    const { room } = await t.core.rooms.create(owner!, { kind: 'group', name: 'keys', memberIds: [bea!] });
    const [stored] = await commitRoomBatch<{ seq: string }>(t.db.ds, KEYS_TABLE, room.id, [
      {
        id: uuidv7(),
        roomId: room.id,
        senderId: owner!,
        clientMsgId: 'keys-1',
        content: `see ${at(bea!)}`,
        contentType: 'text',
        replyTo: null,
        createdAt: new Date(),
        mentions: { userIds: [bea!], everyone: true },
      },
    ]);
    assert.equal(stored?.created, true);
    const rows = await t.db.ds.query(`SELECT seq, user_id FROM message_mentions WHERE room_id = $1 ORDER BY user_id NULLS LAST`, [room.id]);
    assert.deepEqual(
      rows.map((r: { seq: string; user_id: string | null }) => [Number(r.seq), r.user_id]),
      [
        [Number(stored!.row.seq), bea],
        [Number(stored!.row.seq), null],
      ],
    );
  });
});
