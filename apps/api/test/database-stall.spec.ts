import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HealthReport, HistoryPage, Message } from '@qc/shared';
import { freezePostgres, type FrozenPostgres } from '@qc/core/testing';
import { ApiHarness } from './support/api-harness';
import { call, until } from './support/chat-client';

/*
 * Issue #10: with PostgreSQL frozen, a history GET waited 300 s and sends completed seconds
 * late. Now every request is answered within the pool's acquire bound plus one query's
 * bound: REST with 503 UNAVAILABLE, sends with UNAVAILABLE, nothing stored; when the
 * server wakes, the same send (same clientMsgId) lands once.
 *
 * Each request is raced against a deadline far above the bounds (an order of magnitude),
 * so a regression fails as an assertion instead of hanging the run until the thaw.
 */
const ACQUIRE_MS = 1000;
const QUERY_MS = 1500;
const DEADLINE_MS = 20_000;

let h: ApiHarness;
let frozen: FrozenPostgres | null = null;

before(async () => {
  h = await ApiHarness.start({ DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_MS), DATABASE_QUERY_TIMEOUT_MS: String(QUERY_MS) });
});
after(async () => {
  frozen?.thaw();
  await h?.stop();
});

async function answeredWithin<T>(what: string, p: Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const value = await Promise.race([
    p,
    new Promise<never>(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${DEADLINE_MS} ms`)), DEADLINE_MS)),
    ),
  ]).finally(() => clearTimeout(timer));
  return { value, ms: performance.now() - t0 };
}

describe('a frozen PostgreSQL', () => {
  test('REST answers 503 UNAVAILABLE and sends are refused UNAVAILABLE within seconds; after the thaw the same send lands once', async () => {
    const [a, b] = await Promise.all([h.user('frozen-a'), h.user('frozen-b')]);
    const room = await h.group(a, [b]);
    const sa = await h.connect(a.accessToken);
    assert.equal((await call(sa, 'message:send', { roomId: room.id, clientMsgId: 'before', content: 'before' })).ok, true);

    frozen = freezePostgres(h.api.config.dataDir);
    try {
      const [history, send] = await Promise.all([
        answeredWithin('history GET', h.http<{ error: { code: string } }>('GET', `/rooms/${room.id}/messages`, { token: a.accessToken })),
        answeredWithin(
          'message:send',
          call(sa, 'message:send', { roomId: room.id, clientMsgId: 'during', content: 'during' }, DEADLINE_MS),
        ),
      ]);
      // Asked once the pool has gone a while without an answer (a pool that just answered is
      // trusted for a moment rather than judged by one slow new connection).
      const health = await answeredWithin('health', h.http<HealthReport>('GET', '/health'));
      console.log(`# frozen: history ${history.ms.toFixed(0)} ms, send ${send.ms.toFixed(0)} ms, health ${health.ms.toFixed(0)} ms`);
      assert.equal(history.value.status, 503);
      assert.equal(history.value.body.error.code, 'UNAVAILABLE');
      assert.equal(history.value.headers.get('retry-after'), '1');
      assert.equal(send.value.ok, false);
      assert.equal(send.value.error?.code, 'UNAVAILABLE', JSON.stringify(send.value));
      assert.equal(health.value.status, 503, 'health is truthful: the database is down');
      assert.equal(health.value.body.checks.database?.status, 'down');
    } finally {
      frozen.thaw();
    }

    // Connections that were cut are replaced; the retry (same clientMsgId) lands, once.
    let retry = await call(sa, 'message:send', { roomId: room.id, clientMsgId: 'during', content: 'during' });
    for (let i = 0; i < 20 && !retry.ok && retry.error?.code === 'UNAVAILABLE'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      retry = await call(sa, 'message:send', { roomId: room.id, clientMsgId: 'during', content: 'during' });
    }
    assert.equal(retry.ok, true, JSON.stringify(retry));
    const page = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages`, { token: a.accessToken });
    assert.deepEqual(
      page.body.messages.map((m: Message) => [m.seq, m.clientMsgId]),
      [
        [1, 'before'],
        [2, 'during'],
      ],
    );
    let report: HealthReport | undefined;
    await until(
      () => report?.status === 'ok',
      15_000,
      'health ok again after the thaw',
      async () => void (report = (await h.http<HealthReport>('GET', '/health')).body),
    );
  });
});
