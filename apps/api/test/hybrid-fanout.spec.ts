import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, MessageUpdate, RoomActivity } from '@qc/shared';
import { ApiHarness, call, collect, sleep, until, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * Hybrid fan-out through real sockets against the real api on a real PostgreSQL, with a
 * small threshold: a room of 3 or more members is large. Live messages go to the sockets
 * that have it open (`room:open`) and the author's; the others get a coalesced
 * `room:activity` and fetch by room:sync.
 */

const ACTIVITY_EVERY_MS = 1000;
let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start({
    LARGE_ROOM_MEMBERS: '3',
    ROOM_ACTIVITY_EVERY_MS: String(ACTIVITY_EVERY_MS),
    RATE_LIMIT_MESSAGES_PER_SEC: '200',
    RATE_LIMIT_MESSAGES_BURST: '200',
  });
});
after(async () => {
  await h?.stop();
});

function activityAt(socket: ClientSocket, roomId: string): RoomActivity[] {
  const got: RoomActivity[] = [];
  socket.on('room:activity', (a) => {
    if (a.roomId === roomId) got.push(a);
  });
  return got;
}

function updatesAt(socket: ClientSocket, roomId: string): MessageUpdate[] {
  const got: MessageUpdate[] = [];
  socket.on('message:updated', (u) => {
    if (u.roomId === roomId) got.push(u);
  });
  return got;
}

async function send(s: ClientSocket, roomId: string, i: number): Promise<Message> {
  const r = await call(s, 'message:send', { roomId, clientMsgId: `m${i}-${Math.random().toString(36).slice(2)}`, content: `message ${i}` });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.message as Message;
}

/** A group of four (large at the threshold of 3), each member with one socket. */
async function largeRoom() {
  const [a, b, c, d] = await Promise.all([h.user('author'), h.user('looking'), h.user('away'), h.user('other')]);
  const room = await h.group(a, [b, c, d], 'large');
  assert.equal(room.memberCount, 4);
  const [sa, sb, sc, sd] = await Promise.all([a, b, c, d].map((u: TestUser) => h.connect(u.accessToken)));
  return { room, users: { a, b, c, d }, sa: sa!, sb: sb!, sc: sc!, sd: sd! };
}

describe('hybrid fan-out', () => {
  test('a large room: live to the member with it open and the author; the one without gets a few room:activity, then room:sync brings exactly what it missed', async (t) => {
    const { room, sa, sb, sc } = await largeRoom();
    assert.deepEqual(await call(sb, 'room:open', { roomId: room.id }), { ok: true, roomId: room.id, pull: true });
    const [atA, atB, atC] = [collect(sa, room.id), collect(sb, room.id), collect(sc, room.id)];
    const activityAtB = activityAt(sb, room.id);
    const activityAtC = activityAt(sc, room.id);

    for (let i = 1; i <= 20; i++) await send(sa, room.id, i);
    await until(() => atB.length === 20, 5000, 'the 20 messages live at the member with the room open');
    assert.deepEqual(
      atB.map((m) => m.seq),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    await until(() => atA.length === 20, 5000, "the author's own socket has them live too");
    await until(() => activityAtC.at(-1)?.lastSeq === 20, ACTIVITY_EVERY_MS * 5, 'room:activity up to the last seq');
    await sleep(ACTIVITY_EVERY_MS * 2); // anything still coalescing has come
    t.diagnostic(`${activityAtC.length} room:activity for 20 messages`);
    assert.ok(activityAtC.length >= 1 && activityAtC.length <= 5, `${activityAtC.length} room:activity for 20 messages`);
    assert.deepEqual(activityAtC.at(-1), { roomId: room.id, lastSeq: 20 }, 'the last one carries the last seq');
    assert.ok(
      activityAtC.every((x, i) => i === 0 || x.lastSeq > activityAtC[i - 1]!.lastSeq),
      'each one newer than the one before',
    );
    assert.equal(atC.length, 0, 'no message:new without the room open');
    assert.equal(activityAtB.length, 0, 'no room:activity where the room is open: it has the messages');

    // Opening it: the ack says to pull, and room:sync brings exactly what was missed.
    assert.deepEqual(await call(sc, 'room:open', { roomId: room.id }), { ok: true, roomId: room.id, pull: true });
    const sync = await call(sc, 'room:sync', { roomId: room.id, afterSeq: 0 });
    assert.equal(sync.ok, true, JSON.stringify(sync));
    assert.deepEqual(
      (sync.messages as Message[]).map((m) => [m.seq, m.content]),
      Array.from({ length: 20 }, (_, i) => [i + 1, `message ${i + 1}`]),
    );
    assert.deepEqual(sync.updates, []);
    assert.equal(sync.hasMore, false);

    // Now open there: the next message is live.
    await send(sa, room.id, 21);
    await until(() => atC.length === 1 && atC[0]!.seq === 21, 5000, 'live once the room is open');
  });

  test('a change in a large room (message:updated) follows the same path', async () => {
    const { room, sa, sb, sc } = await largeRoom();
    assert.equal((await call(sb, 'room:open', { roomId: room.id })).ok, true);
    const m = await send(sa, room.id, 1);
    const [atB, atC] = [updatesAt(sb, room.id), updatesAt(sc, room.id)];
    const activityAtC = activityAt(sc, room.id);
    await sleep(ACTIVITY_EVERY_MS * 1.5); // past the gap of the send's own room:activity
    const edit = await call(sa, 'message:edit', { roomId: room.id, messageId: m.id, content: 'edited' });
    assert.equal(edit.ok, true, JSON.stringify(edit));
    await until(() => atB.length === 1, 5000, 'the update live where the room is open');
    assert.equal(atB[0]!.seq, 2);
    await until(() => activityAtC.some((x) => x.lastSeq === 2), ACTIVITY_EVERY_MS * 5, 'room:activity for the change');
    assert.equal(atC.length, 0);
  });

  test('switching rooms moves the live path; closing (null) leaves it; a socket has one open room', async () => {
    const { room, users, sa, sb } = await largeRoom();
    const other = await h.group(users.b, [users.a, users.c], 'other large');
    const atB = collect(sb, room.id);
    const activityAtB = activityAt(sb, room.id);
    assert.equal((await call(sb, 'room:open', { roomId: room.id })).ok, true);
    await send(sa, room.id, 1);
    await until(() => atB.length === 1, 5000, 'live while open');
    assert.deepEqual(await call(sb, 'room:open', { roomId: other.id }), { ok: true, roomId: other.id, pull: true });
    await send(sa, room.id, 2);
    await until(() => activityAtB.some((x) => x.lastSeq === 2), ACTIVITY_EVERY_MS * 5, 'room:activity once another room is open');
    assert.equal(atB.length, 1, 'no longer live');
    assert.deepEqual(await call(sb, 'room:open', { roomId: null }), { ok: true, roomId: null, pull: false });
  });

  test('room:open: a non-member is refused FORBIDDEN and opens nothing; a bad payload VALIDATION', async () => {
    const { room, sa } = await largeRoom();
    const stranger = await h.user('stranger');
    const ss = await h.connect(stranger.accessToken);
    const atStranger = collect(ss, room.id);
    const refused = await call(ss, 'room:open', { roomId: room.id });
    assert.equal(refused.ok, false);
    assert.equal(refused.error?.code, 'FORBIDDEN');
    for (const bad of [{}, { roomId: 'not-a-uuid' }, { roomId: room.id, extra: 1 }, null, 'x']) {
      const r = await call(ss, 'room:open', bad);
      assert.equal(r.error?.code, 'VALIDATION', JSON.stringify(bad));
    }
    await send(sa, room.id, 1);
    await sleep(300);
    assert.equal(atStranger.length, 0);
  });

  test('a small room (under the threshold) is pushed to every member, open or not, with no room:activity', async () => {
    const [a, b] = await Promise.all([h.user('small-a'), h.user('small-b')]);
    const room = await h.group(a, [b], 'small');
    const [sa, sb] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken)]);
    const atB = collect(sb, room.id);
    const activityAtB = activityAt(sb, room.id);
    assert.deepEqual(await call(sa, 'room:open', { roomId: room.id }), { ok: true, roomId: room.id, pull: false });
    for (let i = 1; i <= 3; i++) await send(sa, room.id, i);
    await until(() => atB.length === 3, 5000, 'every message live without the room open');
    await sleep(300);
    assert.equal(activityAtB.length, 0);
  });

  test('a room that grows past the threshold switches to pull at its next message', async () => {
    const [a, b, c] = await Promise.all([h.user('grow-a'), h.user('grow-b'), h.user('grow-c')]);
    const room = await h.group(a, [b], 'growing');
    const [sa, sb] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken)]);
    const atB = collect(sb, room.id);
    const activityAtB = activityAt(sb, room.id);
    await send(sa, room.id, 1);
    await until(() => atB.length === 1, 5000, 'pushed while small');
    const added = await h.http('POST', `/rooms/${room.id}/members`, { token: a.accessToken, body: { userId: c.user.id } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    await send(sa, room.id, 2);
    await until(() => activityAtB.some((x) => x.lastSeq === 2), ACTIVITY_EVERY_MS * 5, 'pulled once large');
    assert.equal(atB.length, 1);
  });
});
