import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { knownError } from '../../src/errors';
import { startTestCore, type TestCore } from '../support/test-core';

/*
 * Issue #10: sends that failed while the database was away spent the sender's budget, so
 * their retries came back RATE_LIMITED. A send blocked on the messages table (another
 * session holds it locked against writes, reads still pass) gets through membership and
 * idempotency checks and takes its unit of budget, then fails at the insert when the query
 * bound ends it: it must fail as UNAVAILABLE, store nothing, and give the unit back.
 */
const QUERY_MS = 300;
let t: TestCore;

before(async () => {
  t = await startTestCore({
    DATABASE_QUERY_TIMEOUT_MS: String(QUERY_MS),
    RATE_LIMIT_MESSAGES_PER_SEC: '1',
    RATE_LIMIT_MESSAGES_BURST: '3',
  });
});
after(async () => t?.stop());

describe('sends while the database cannot write', () => {
  test('each fails as UNAVAILABLE within the query bound, stores nothing, and gives its budget back', async () => {
    const [a, b] = await Promise.all([t.user('locked-a'), t.user('locked-b')]);
    const { room } = await t.core.rooms.create(a, { kind: 'direct', userId: b });
    const locker = new Client({ connectionString: t.db.url });
    await locker.connect();
    const codes: string[] = [];
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE messages IN EXCLUSIVE MODE'); // blocks inserts, not reads
      // Ten failures in a row: with a burst of 3 at 1/s, spending on each would refuse the
      // fourth or fifth with RATE_LIMITED, unless the machine took ~1 s per failed send.
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        const err = await t.core.messages.send(a, { roomId: room.id, clientMsgId: `m${i}`, content: 'x' }).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(err, `send ${i} went through a locked table`);
        codes.push(knownError(err)?.code ?? `unknown: ${String(err)}`);
        assert.ok(performance.now() - t0 < QUERY_MS * 30, 'failed within an order of magnitude of the bound');
      }
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
    assert.deepEqual(codes, Array(10).fill('UNAVAILABLE'));
    assert.equal((await t.core.messages.history(a, room.id, { limit: 50 })).messages.length, 0, 'nothing stored');
    // The whole burst is still there for the retries.
    for (let i = 0; i < 3; i++) {
      const r = await t.core.messages.send(a, { roomId: room.id, clientMsgId: `m${i}`, content: 'x' });
      assert.equal(r.message.seq, i + 1);
    }
  });
});
