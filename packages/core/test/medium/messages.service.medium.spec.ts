import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@qc/shared';
import { loadConfig } from '../../src/config/config';
import { createAdapters, createCoreServices, type CoreServices } from '../../src/composition';
import type { TestDatabase } from '../support/test-database';
import { startTestCore, type TestCore } from '../support/test-core';
import { RecordingBroadcaster } from '../support/recording-broadcaster';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/* Medium tests: the real services on a real PostgreSQL. */

let t: TestCore;
let db: TestDatabase;
let core: CoreServices;
let bc: RecordingBroadcaster;

const user = (name: string) => t.user(name);

before(async () => {
  t = await startTestCore();
  ({ db, core, broadcaster: bc } = t);
});
after(async () => {
  await t?.stop();
});

describe('MessagesService on PostgreSQL', () => {
  test('concurrent senders in one room get gap-free seqs, published in seq order', async () => {
    const users = await Promise.all([user('a'), user('b'), user('c'), user('d')]);
    const { room } = await core.rooms.create(users[0]!, { kind: 'group', name: 'race', memberIds: users.slice(1) });
    bc.emits.length = 0;
    const sends: Promise<{ message: Message }>[] = [];
    for (let i = 0; i < 25; i++) {
      for (const u of users) sends.push(core.messages.send(u, { roomId: room.id, clientMsgId: `m-${u}-${i}`, content: `hello ${i}` }));
    }
    const results = await Promise.all(sends);
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
    assert.deepEqual(
      seqs,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    const published = bc.of('message:new').map((e) => (e.payload as Message).seq);
    assert.deepEqual(published, seqs, 'live delivery must follow seq order');
  });

  test('a retried clientMsgId returns the original and stores nothing new', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const { room } = await core.rooms.create(a, { kind: 'direct', userId: b });
    const first = await core.messages.send(a, { roomId: room.id, clientMsgId: 'retry-1', content: 'once' });
    const again = await Promise.all(
      [1, 2, 3].map(() => core.messages.send(a, { roomId: room.id, clientMsgId: 'retry-1', content: 'once' })),
    );
    for (const r of again) {
      assert.equal(r.created, false);
      assert.equal(r.message.id, first.message.id);
    }
    const page = await core.messages.history(a, room.id, { limit: 50 });
    assert.equal(page.messages.length, 1);
    // The same clientMsgId from another sender is another message.
    const other = await core.messages.send(b, { roomId: room.id, clientMsgId: 'retry-1', content: 'mine' });
    assert.equal(other.created, true);
    assert.equal(other.message.seq, 2);
  });

  test('sync returns exactly what came after a seq; history pages backwards without overlap', async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const { room } = await core.rooms.create(a, { kind: 'direct', userId: b });
    for (let i = 1; i <= 23; i++) await core.messages.send(i % 2 ? a : b, { roomId: room.id, clientMsgId: `h${i}`, content: `n${i}` });
    const s = await core.messages.sync(b, { roomId: room.id, afterSeq: 17 });
    assert.deepEqual(
      s.messages.map((m) => m.seq),
      [18, 19, 20, 21, 22, 23],
    );
    assert.equal(s.hasMore, false);
    const partial = await core.messages.sync(b, { roomId: room.id, afterSeq: 0, limit: 10 });
    assert.equal(partial.messages.length, 10);
    assert.equal(partial.hasMore, true);

    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await core.messages.history(a, room.id, { before, limit: 10 });
      seen.unshift(...page.messages.map((m) => m.seq));
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 23 }, (_, i) => i + 1),
    );
  });

  test('non-members can neither send nor read: FORBIDDEN, nothing stored', async () => {
    const [a, b, stranger] = await Promise.all([user('a'), user('b'), user('s')]);
    const { room } = await core.rooms.create(a, { kind: 'direct', userId: b });
    await assert.rejects(core.messages.send(stranger, { roomId: room.id, clientMsgId: 'x', content: 'hi' }), { code: 'FORBIDDEN' });
    await assert.rejects(core.messages.sync(stranger, { roomId: room.id, afterSeq: 0 }), { code: 'FORBIDDEN' });
    await assert.rejects(core.messages.history(stranger, room.id, { limit: 5 }), { code: 'FORBIDDEN' });
    assert.equal((await core.messages.sync(a, { roomId: room.id, afterSeq: 0 })).messages.length, 0);
  });

  test("unread counts: others' messages count, my own move my marker, reading clears", async () => {
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const { room } = await core.rooms.create(a, { kind: 'direct', userId: b });
    for (let i = 0; i < 3; i++) await core.messages.send(a, { roomId: room.id, clientMsgId: `u${i}`, content: 'x' });
    const mineA = (await core.rooms.listMine(a)).find((r) => r.id === room.id)!;
    const mineB = (await core.rooms.listMine(b)).find((r) => r.id === room.id)!;
    assert.equal(mineA.unreadCount, 0);
    assert.equal(mineB.unreadCount, 3);
    assert.equal(await core.receipts.markRead(b, room.id, 2), 2);
    assert.equal(await core.receipts.markRead(b, room.id, 1), 2, 'a read marker never moves back');
    assert.equal(await core.receipts.markRead(b, room.id, 999), 3, 'capped at the last seq');
    assert.equal((await core.rooms.listMine(b)).find((r) => r.id === room.id)!.unreadCount, 0);
  });

  test('the sender is rate limited with RATE_LIMITED once the burst is spent', async () => {
    const config = loadConfig({
      QC_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qc-med-')),
      RATE_LIMIT_MESSAGES_PER_SEC: '1',
      RATE_LIMIT_MESSAGES_BURST: '3',
    });
    const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
    const strict = createCoreServices(config, await createAdapters(config, db.ds, quiet), new RecordingBroadcaster());
    const [a, b] = await Promise.all([user('a'), user('b')]);
    const { room } = await strict.rooms.create(a, { kind: 'direct', userId: b });
    for (let i = 0; i < 3; i++) await strict.messages.send(a, { roomId: room.id, clientMsgId: `r${i}`, content: 'x' });
    await assert.rejects(strict.messages.send(a, { roomId: room.id, clientMsgId: 'r3', content: 'x' }), { code: 'RATE_LIMITED' });
    // A retry of an already stored message is still answered.
    assert.equal((await strict.messages.send(a, { roomId: room.id, clientMsgId: 'r0', content: 'x' })).created, false);
  });
});
