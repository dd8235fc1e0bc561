import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttemptLimiter, AttemptPolicy } from '../../src/ports/attempt-limiter.port';

/**
 * Every AttemptLimiter adapter must pass this suite against its real engine. `a` and `b`
 * are two api nodes' limiters over the same store (one object in memory).
 */
export function attemptLimiterContract(
  name: string,
  open: () => Promise<{ a: AttemptLimiter; b: AttemptLimiter; close(): Promise<void> }>,
) {
  describe(`AttemptLimiter contract: ${name}`, () => {
    let a: AttemptLimiter;
    let b: AttemptLimiter;
    let close: () => Promise<void>;
    let n = 0;
    const unique = () => `${process.pid}-${Date.now()}-${++n}`;
    const policy = (p: Partial<AttemptPolicy> = {}): AttemptPolicy => ({ name: `t${unique()}`, limit: 3, windowSec: 60, ...p });
    before(async () => ({ a, b, close } = await open()));
    after(async () => close?.());

    test('the attempt that reaches the limit is allowed and starts the lock; later ones are refused until it ends', async () => {
      const c = a.counter(policy({ lockSec: 120 }));
      const k = unique();
      const hits = [];
      for (let i = 0; i < 3; i++) hits.push(await c.hit(k));
      assert.deepEqual(
        hits.map((h) => [h.allowed, h.count]),
        [
          [true, 1],
          [true, 2],
          [true, 3],
        ],
      );
      assert.equal(hits[0]!.retryAfterMs, 0);
      assert.ok(hits[2]!.retryAfterMs > 110_000 && hits[2]!.retryAfterMs <= 120_000, `lock ${hits[2]!.retryAfterMs} ms`);
      const peek = await c.peek(k);
      assert.ok(peek.retryAfterMs > 110_000 && peek.retryAfterMs <= 120_000, `peek ${peek.retryAfterMs} ms`);
      const refused = await c.hit(k);
      assert.equal(refused.allowed, false);
      assert.ok(refused.retryAfterMs > 110_000, `refused with ${refused.retryAfterMs} ms`);
    });

    test('without a lock the key waits out its window; a key never tried is free', async () => {
      const c = a.counter(policy({ limit: 1, windowSec: 30 }));
      const k = unique();
      assert.deepEqual(await c.peek(k), { count: 0, retryAfterMs: 0 });
      assert.equal((await c.hit(k)).allowed, true);
      const second = await c.hit(k);
      assert.equal(second.allowed, false);
      assert.ok(second.retryAfterMs > 25_000 && second.retryAfterMs <= 30_000, `${second.retryAfterMs} ms`);
    });

    test('the window and the lock end by themselves', async () => {
      const c = a.counter(policy({ limit: 2, windowSec: 1, lockSec: 1 }));
      const [w, l] = [unique(), unique()];
      await c.hit(w);
      await c.hit(l);
      await c.hit(l);
      assert.ok((await c.peek(l)).retryAfterMs > 0);
      await sleep(1_300);
      assert.deepEqual(await c.peek(w), { count: 0, retryAfterMs: 0 });
      assert.deepEqual(await c.peek(l), { count: 0, retryAfterMs: 0 });
    });

    test('a hold delays the key without losing its count; reset forgets both', async () => {
      const c = a.counter(policy({ limit: 5 }));
      const k = unique();
      await c.hit(k);
      await c.hit(k);
      await c.hold(k, 30);
      const held = await c.peek(k);
      assert.equal(held.count, 2);
      assert.ok(held.retryAfterMs > 25_000 && held.retryAfterMs <= 30_000, `${held.retryAfterMs} ms`);
      assert.equal((await c.hit(k)).count, 3);
      await c.reset(k);
      assert.deepEqual(await c.peek(k), { count: 0, retryAfterMs: 0 });
    });

    test('keys and policies are apart', async () => {
      const p = policy({ limit: 1, lockSec: 60 });
      const c = a.counter(p);
      const other = a.counter(policy({ limit: 1, lockSec: 60 }));
      const [k1, k2] = [unique(), unique()];
      await c.hit(k1);
      assert.ok((await c.peek(k1)).retryAfterMs > 0);
      assert.equal((await c.peek(k2)).retryAfterMs, 0);
      assert.equal((await other.peek(k1)).retryAfterMs, 0);
    });

    test('two nodes count together, and concurrent attempts never slip past the limit', async () => {
      const p = policy({ limit: 10, lockSec: 60 });
      const [ca, cb] = [a.counter(p), b.counter(p)];
      const k = unique();
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? ca : cb).hit(k)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.ok((await cb.peek(k)).retryAfterMs > 50_000);
      await ca.reset(k);
      assert.equal((await cb.peek(k)).retryAfterMs, 0);
    });
  });
}
