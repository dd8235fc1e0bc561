import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, type Receipt, type RoomReceipts } from '@qc/shared';
import { ApiHarness, call, sleep, until, waitFor, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * Receipts through real sockets and REST against the real api on a real PostgreSQL:
 * `room:delivered`, `room:read`, the coalesced `receipt` broadcast and GET …/receipts.
 */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start({ RATE_LIMIT_MESSAGES_PER_SEC: '200', RATE_LIMIT_MESSAGES_BURST: '200' });
});
after(async () => {
  await h?.stop();
});

/** Every `receipt` of one room this socket receives from now on, in arrival order. */
function receiptsAt(socket: ClientSocket, roomId: string): Receipt[] {
  const got: Receipt[] = [];
  socket.on('receipt', (r) => {
    if (r.roomId === roomId) got.push(r);
  });
  return got;
}

/** A group of `owner` and `others` in which `owner` has sent `n` messages. */
async function roomWithHistory(owner: TestUser, others: TestUser[], n: number) {
  const room = await h.group(owner, others, 'receipts');
  const s = await h.connect(owner.accessToken);
  for (let i = 0; i < n; i++) {
    const r = await call(s, 'message:send', { roomId: room.id, clientMsgId: `h${i}`, content: `${i}` });
    assert.equal(r.ok, true, JSON.stringify(r));
  }
  return { room, owner: s };
}

const listReceipts = (token: string, roomId: string) => h.http<RoomReceipts>('GET', `/rooms/${roomId}/receipts`, { token });

describe('receipts', () => {
  test('room:delivered and room:read ack the pointers, forward only and capped; the others get a receipt', async () => {
    const [a, b, c] = await Promise.all([h.user('sender'), h.user('reader'), h.user('watcher')]);
    const { room } = await roomWithHistory(a, [b, c], 3);
    const [sb, sc] = await Promise.all([h.connect(b.accessToken), h.connect(c.accessToken)]);
    const atC = receiptsAt(sc, room.id);

    assert.deepEqual(await call(sb, 'room:delivered', { roomId: room.id, seq: 2 }), { ok: true, deliveredSeq: 2 });
    assert.deepEqual(await call(sb, 'room:read', { roomId: room.id, seq: 1 }), { ok: true, readSeq: 1 });
    await until(() => atC.some((r) => r.userId === b.user.id && r.deliveredSeq === 2 && r.readSeq === 1), 5000, "b's receipt at c");

    assert.deepEqual(await call(sb, 'room:delivered', { roomId: room.id, seq: 1 }), { ok: true, deliveredSeq: 2 }, 'never back');
    assert.deepEqual(await call(sb, 'room:read', { roomId: room.id, seq: 0 }), { ok: true, readSeq: 1 }, 'never back');
    assert.deepEqual(await call(sb, 'room:read', { roomId: room.id, seq: 999 }), { ok: true, readSeq: 3 }, 'capped at the last seq');
    // Read implies delivered: the receipt's delivered pointer follows the read one.
    await until(() => atC.some((r) => r.userId === b.user.id && r.deliveredSeq === 3 && r.readSeq === 3), 5000, 'read implies delivered');
  });

  test('20 quick moves reach the others as a few receipts, the last one with the final pointers', async (t) => {
    const [a, b, c] = await Promise.all([h.user('sender'), h.user('fast'), h.user('watcher')]);
    const { room } = await roomWithHistory(a, [b, c], 20);
    const [sb, sc] = await Promise.all([h.connect(b.accessToken), h.connect(c.accessToken)]);
    const atC = receiptsAt(sc, room.id);
    const fromB = () => atC.filter((r) => r.userId === b.user.id);

    // As a device does while a backlog arrives: one report per message, without waiting.
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => call(sb, 'room:delivered', { roomId: room.id, seq: i + 1 })));
    assert.ok(acks.every((r) => r.ok));
    await until(() => fromB().some((r) => r.deliveredSeq === 20), 5000, 'the final receipt');
    await sleep(LIMITS.receiptFlushMs * 3); // anything still to come has come
    const got = fromB();
    // Coalesced: an order of magnitude fewer than the moves (one per window; a slow machine may need a few windows).
    assert.ok(got.length >= 1 && got.length <= 10, `${got.length} receipts for 20 moves`);
    t.diagnostic(`${got.length} receipt(s) for 20 moves`);
    assert.deepEqual(got.at(-1), { roomId: room.id, userId: b.user.id, deliveredSeq: 20, readSeq: 0 });

    // A pointer already ahead does not move, and nobody hears about it.
    assert.deepEqual(await call(sb, 'room:delivered', { roomId: room.id, seq: 5 }), { ok: true, deliveredSeq: 20 });
    await sleep(LIMITS.receiptFlushMs * 3);
    assert.equal(fromB().length, got.length);
  });

  test('GET /rooms/:roomId/receipts lists every member with their pointers', async () => {
    const [a, b, c] = await Promise.all([h.user('sender'), h.user('reader'), h.user('idle')]);
    const { room } = await roomWithHistory(a, [b, c], 4);
    const sb = await h.connect(b.accessToken);
    await call(sb, 'room:delivered', { roomId: room.id, seq: 4 });
    await call(sb, 'room:read', { roomId: room.id, seq: 2 });

    const res = await listReceipts(c.accessToken, room.id);
    assert.equal(res.status, 200);
    const byUser = new Map(res.body.receipts.map((r) => [r.userId, r]));
    assert.equal(res.body.receipts.length, 3, 'one per member');
    // The sender's own messages count as read by them.
    assert.deepEqual(byUser.get(a.user.id), { roomId: room.id, userId: a.user.id, deliveredSeq: 4, readSeq: 4 });
    assert.deepEqual(byUser.get(b.user.id), { roomId: room.id, userId: b.user.id, deliveredSeq: 4, readSeq: 2 });
    assert.deepEqual(byUser.get(c.user.id), { roomId: room.id, userId: c.user.id, deliveredSeq: 0, readSeq: 0 });
  });

  test('non-members are refused with FORBIDDEN over REST and sockets', async () => {
    const [a, b, stranger] = await Promise.all([h.user('sender'), h.user('member'), h.user('stranger')]);
    const { room } = await roomWithHistory(a, [b], 2);
    const sx = await h.connect(stranger.accessToken);

    const rest = await h.http<{ error: { code: string } }>('GET', `/rooms/${room.id}/receipts`, { token: stranger.accessToken });
    assert.equal(rest.status, 403);
    assert.equal(rest.body.error.code, 'FORBIDDEN');
    assert.equal((await h.http('GET', `/rooms/${room.id}/receipts`)).status, 401, 'no token');
    for (const event of ['room:delivered', 'room:read'] as const) {
      const r = await call(sx, event, { roomId: room.id, seq: 1 });
      assert.equal(r.ok, false);
      assert.equal(r.error?.code, 'FORBIDDEN', `${event} ${JSON.stringify(r)}`);
    }
    const { body } = await listReceipts(a.accessToken, room.id);
    assert.deepEqual(body.receipts.map((r) => r.userId).sort(), [a.user.id, b.user.id].sort(), "a stranger's attempt adds no pointer");
  });

  test('bad payloads are refused with VALIDATION and store nothing', async () => {
    const [a, b, c] = await Promise.all([h.user('sender'), h.user('sloppy'), h.user('watcher')]);
    const { room } = await roomWithHistory(a, [b, c], 3);
    const [sb, sc] = await Promise.all([h.connect(b.accessToken), h.connect(c.accessToken)]);
    const atC = receiptsAt(sc, room.id);

    const bad: unknown[] = [
      { roomId: room.id, seq: -1 },
      { roomId: room.id, seq: 1.5 },
      { roomId: room.id, seq: '2' },
      { roomId: room.id },
      { seq: 2 },
      { roomId: 'not-a-uuid', seq: 2 },
      { roomId: room.id, seq: 2, userId: a.user.id },
      null,
      42,
    ];
    for (const event of ['room:delivered', 'room:read'] as const) {
      for (const payload of bad) {
        const r = await call(sb, event, payload);
        assert.equal(r.error?.code, 'VALIDATION', `${event} ${JSON.stringify(payload)}: ${JSON.stringify(r)}`);
      }
    }
    const param = await h.http<{ error: { code: string } }>('GET', '/rooms/not-a-uuid/receipts', { token: b.accessToken });
    assert.equal(param.status, 400);
    assert.equal(param.body.error.code, 'VALIDATION');

    assert.equal(sb.connected, true);
    const { body } = await listReceipts(b.accessToken, room.id);
    assert.deepEqual(
      body.receipts.find((r) => r.userId === b.user.id),
      { roomId: room.id, userId: b.user.id, deliveredSeq: 0, readSeq: 0 },
    );
    await sleep(LIMITS.receiptFlushMs * 3);
    assert.equal(atC.filter((r) => r.userId === b.user.id).length, 0, 'nothing moved, nothing broadcast');
    // Still served after all that.
    const told = waitFor<Receipt>(sc, 'receipt', (r) => r.roomId === room.id && r.userId === b.user.id && r.readSeq === 3);
    assert.deepEqual(await call(sb, 'room:read', { roomId: room.id, seq: 3 }), { ok: true, readSeq: 3 });
    assert.equal((await told).deliveredSeq, 3);
  });
});
