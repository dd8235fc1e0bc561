import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter } from '../../src/ports/rate-limiter.port';

/** Every RateLimiter adapter must pass this suite against its real engine. */
export function rateLimiterContract(name: string, open: () => Promise<{ limiter: RateLimiter; close(): Promise<void> }>) {
  describe(`RateLimiter contract: ${name}`, () => {
    let limiter: RateLimiter;
    let close: () => Promise<void>;
    let n = 0;
    const key = () => `k-${process.pid}-${Date.now()}-${++n}`;
    before(async () => ({ limiter, close } = await open()));
    after(async () => close?.());

    test('the burst is allowed at once, then refused with a retry hint', async () => {
      const k = key();
      const rule = { ratePerSec: 2, burst: 5 };
      const results = [];
      for (let i = 0; i < 7; i++) results.push(await limiter.take(k, rule));
      assert.deepEqual(
        results.map((r) => r.allowed),
        [true, true, true, true, true, false, false],
      );
      const hint = results[5]!.retryAfterMs;
      assert.ok(hint > 0 && hint <= 500, `retryAfterMs ${hint}`);
    });

    test('tokens come back at the rate', async () => {
      const k = key();
      const rule = { ratePerSec: 20, burst: 1 };
      assert.equal((await limiter.take(k, rule)).allowed, true);
      assert.equal((await limiter.take(k, rule)).allowed, false);
      await sleep(80);
      assert.equal((await limiter.take(k, rule)).allowed, true);
    });

    test('keys are independent', async () => {
      const [a, b] = [key(), key()];
      const rule = { ratePerSec: 1, burst: 1 };
      assert.equal((await limiter.take(a, rule)).allowed, true);
      assert.equal((await limiter.take(a, rule)).allowed, false);
      assert.equal((await limiter.take(b, rule)).allowed, true);
    });

    test('a token given back can be spent again, and never lifts the bucket above its burst', async () => {
      const k = key();
      const rule = { ratePerSec: 0.001, burst: 2 };
      await limiter.giveBack(k, rule); // a full bucket stays full
      assert.equal((await limiter.take(k, rule)).allowed, true);
      assert.equal((await limiter.take(k, rule)).allowed, true);
      assert.equal((await limiter.take(k, rule)).allowed, false);
      await limiter.giveBack(k, rule);
      assert.equal((await limiter.take(k, rule)).allowed, true, 'the token given back');
      assert.equal((await limiter.take(k, rule)).allowed, false);
      for (let i = 0; i < 5; i++) await limiter.giveBack(k, rule);
      const after = [];
      for (let i = 0; i < 4; i++) after.push((await limiter.take(k, rule)).allowed);
      assert.deepEqual(after, [true, true, false, false], 'five given back fill the bucket to its burst of 2, no more');
    });

    test('concurrent takes never overspend the bucket', async () => {
      const k = key();
      const rule = { ratePerSec: 0.001, burst: 10 };
      const results = await Promise.all(Array.from({ length: 30 }, () => limiter.take(k, rule)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
    });
  });
}
