import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Receipt } from '@qc/shared';
import type { CoreServices } from '../../src/composition';
import { uuidv7 } from '../../src/lib/uuidv7';
import { ReceiptsService, type ReceiptTimer } from '../../src/services/receipts.service';
import { createGroupRoom } from '../support/fixtures';
import { RecordingBroadcaster } from '../support/recording-broadcaster';
import type { TestDatabase } from '../support/test-database';
import { startTestCore, type TestCore } from '../support/test-core';

/* ReceiptsService on a real PostgreSQL: what it stores, and what it broadcasts when. */

let t: TestCore;
let db: TestDatabase;
let core: CoreServices;

/** A user straight in the store: 50 argon2 hashes would be most of this spec's time. */
async function user(name: string) {
  const id = uuidv7();
  await core.meta.createUser({ id, username: `${name}${id.slice(-12)}`, displayName: name, passwordHash: 'unused' });
  return id;
}

/** A timer the spec ends by hand: the coalescing window is what is tested, not the clock. */
function manualTimer() {
  const windows: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const timer: ReceiptTimer = (fn, ms) => {
    const w = { fn, ms, cancelled: false };
    windows.push(w);
    return () => {
      w.cancelled = true;
    };
  };
  const open = () => windows.filter((w) => !w.cancelled);
  return { timer, open, fireAll: () => open().forEach((w) => w.fn()) };
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = (await db.ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)) as {
    tablename: string;
  }[];
  const counts: Record<string, number> = {};
  for (const { tablename } of tables) {
    const [row] = (await db.ds.query(`SELECT count(*)::int AS n FROM "${tablename}"`)) as { n: number }[];
    counts[tablename] = row!.n;
  }
  return counts;
}

before(async () => {
  t = await startTestCore();
  ({ db, core } = t);
});
after(async () => {
  await t?.stop();
});

describe('ReceiptsService on PostgreSQL', () => {
  test('10,000 messages read by 50 members leave 50 pointer rows, not 500,000', async (t) => {
    const owner = await user('owner');
    const others = await Promise.all(Array.from({ length: 49 }, (_, i) => user(`m${i}`)));
    const members = [owner, ...others];
    const roomId = await createGroupRoom(core.meta, owner, others, 'big');
    // The history is written in one statement: the send path has its own specs, and 10,000
    // sends through it would be minutes on a small machine. Receipts only look at the room's
    // last_seq, which a send moves in the same transaction as its message row.
    await db.ds.query(
      `INSERT INTO messages (id, room_id, seq, sender_id, client_msg_id, content, created_at)
       SELECT gen_random_uuid(), $1, g, $2, 'bulk-' || g, 'message ' || g, now() FROM generate_series(1, 10000) g`,
      [roomId, owner],
    );
    await db.ds.query(`UPDATE rooms SET last_seq = 10000, last_message_at = now() WHERE id = $1`, [roomId]);

    const before = await rowCounts();
    const started = Date.now();
    // Every member receives and reads the whole history in steps, the way a client scrolls.
    await Promise.all(
      members.map(async (u) => {
        for (const upTo of [2500, 5000, 7500, 10000]) {
          await core.receipts.markDelivered(u, roomId, upTo);
          await core.receipts.markRead(u, roomId, upTo - 100);
        }
        await core.receipts.markRead(u, roomId, 10000);
      }),
    );
    const tookMs = Date.now() - started;
    const afterCounts = await rowCounts();

    assert.equal(afterCounts.messages, 10_000);
    assert.deepEqual(afterCounts, before, 'no table gained (or lost) a row from the reads');
    const [pointers] = (await db.ds.query(`SELECT count(*)::int AS n FROM room_members WHERE room_id = $1`, [roomId])) as { n: number }[];
    assert.equal(pointers!.n, 50);
    const { receipts } = await core.receipts.list(owner, roomId);
    assert.equal(receipts.length, 50);
    assert.ok(receipts.every((r) => r.deliveredSeq === 10000 && r.readSeq === 10000));
    t.diagnostic(
      `10,000 messages × 50 members: ${pointers!.n} pointer rows; rows per table unchanged (${JSON.stringify(afterCounts)}); ` +
        `${members.length * 9} pointer moves in ${tookMs} ms`,
    );
  });

  test('pointers only move forward, are capped at the last seq, and read implies delivered', async () => {
    const [a, b, stranger] = await Promise.all([user('a'), user('b'), user('s')]);
    const { room } = await core.rooms.create(a, { kind: 'group', name: 'fwd', memberIds: [b] });
    for (let i = 0; i < 3; i++) await core.messages.send(a, { roomId: room.id, clientMsgId: `f${i}`, content: 'x' });

    assert.equal(await core.receipts.markDelivered(b, room.id, 2), 2);
    assert.equal(await core.receipts.markDelivered(b, room.id, 1), 2, 'a delivered pointer never moves back');
    assert.equal(await core.receipts.markDelivered(b, room.id, 999), 3, 'capped at the last seq');
    assert.equal(await core.receipts.markRead(b, room.id, 1), 1);
    assert.equal(await core.receipts.markRead(b, room.id, 0), 1, 'a read pointer never moves back');
    assert.equal(await core.receipts.markRead(b, room.id, 999), 3, 'capped at the last seq');

    const { receipts } = await core.receipts.list(b, room.id);
    const byUser = new Map(receipts.map((r) => [r.userId, r]));
    assert.deepEqual(byUser.get(b), { roomId: room.id, userId: b, deliveredSeq: 3, readSeq: 3 });
    // The sender's own sends moved their read pointer, and reading counts as delivered.
    assert.deepEqual(byUser.get(a), { roomId: room.id, userId: a, deliveredSeq: 3, readSeq: 3 });

    await assert.rejects(core.receipts.markDelivered(stranger, room.id, 1), { code: 'FORBIDDEN' });
    await assert.rejects(core.receipts.markRead(stranger, room.id, 1), { code: 'FORBIDDEN' });
    await assert.rejects(core.receipts.list(stranger, room.id), { code: 'FORBIDDEN' });
  });

  test('moves within the window go out as one receipt per member, with the latest pointers', async () => {
    const [a, b, c] = await Promise.all([user('a'), user('b'), user('c')]);
    const { room } = await core.rooms.create(a, { kind: 'group', name: 'coalesce', memberIds: [b, c] });
    for (let i = 0; i < 20; i++) await core.messages.send(a, { roomId: room.id, clientMsgId: `c${i}`, content: `${i}` });
    const bc = new RecordingBroadcaster();
    const clock = manualTimer();
    const receipts = new ReceiptsService(core.rooms, core.meta, bc, { timer: clock.timer, flushMs: 250 });
    const sent = () => bc.of('receipt').map((e) => ({ to: e.to.room, ...(e.payload as Receipt) }));

    for (let s = 1; s <= 20; s++) await receipts.markDelivered(b, room.id, s);
    for (let s = 1; s <= 10; s++) await receipts.markRead(b, room.id, s);
    await receipts.markRead(c, room.id, 5);
    assert.equal(sent().length, 0, 'nothing before the window ends');
    assert.equal(clock.open().length, 1, 'one window for the room');
    assert.equal(clock.open()[0]!.ms, 250);
    assert.equal(bc.of('room:read').length, 11, "the reader's other devices hear each read at once");

    clock.fireAll();
    assert.deepEqual(sent(), [
      { to: room.id, roomId: room.id, userId: b, deliveredSeq: 20, readSeq: 10 },
      { to: room.id, roomId: room.id, userId: c, deliveredSeq: 5, readSeq: 5 },
    ]);

    // Behind where they are: nothing moved, so nothing is sent and no window opens.
    await receipts.markDelivered(b, room.id, 15);
    await receipts.markRead(b, room.id, 3);
    await receipts.markDelivered(c, room.id, 4);
    assert.equal(clock.open().length, 0);
    assert.equal(receipts.flush(), 0);

    // close() sends what is pending at once, and holds nothing after.
    await receipts.markRead(b, room.id, 20);
    receipts.close();
    assert.deepEqual(sent().at(-1), { to: room.id, roomId: room.id, userId: b, deliveredSeq: 20, readSeq: 20 });
    assert.equal(clock.open().length, 0);
    await receipts.markRead(c, room.id, 20);
    assert.equal(clock.open().length, 0);
    assert.equal(sent().length, 3);
  });

  test('a broadcast that throws in the window is reported, not thrown from the timer', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const { room } = await core.rooms.create(a, { kind: 'group', name: 'broken', memberIds: [b] });
    await core.messages.send(a, { roomId: room.id, clientMsgId: 'one', content: 'x' });
    const broken = new RecordingBroadcaster();
    broken.toRoom = () => {
      throw new Error('bus down');
    };
    const clock = manualTimer();
    const reported: string[] = [];
    const receipts = new ReceiptsService(core.rooms, core.meta, broken, {
      timer: clock.timer,
      onBroadcastError: (err) => reported.push(String(err)),
    });
    assert.equal(await receipts.markRead(b, room.id, 1), 1);
    assert.doesNotThrow(() => clock.fireAll());
    assert.deepEqual(reported, ['Error: bus down']);
    assert.equal(clock.open().length, 0);
  });
});
