import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeToken, type TokenBucketState } from './token-bucket';

const rule = { ratePerSec: 10, burst: 20 };

test('a full bucket allows exactly `burst` takes at one instant, then refuses', () => {
  let state: TokenBucketState | undefined;
  let allowed = 0;
  for (let i = 0; i < 25; i++) {
    const r = takeToken(state, rule, 1000);
    state = r.state;
    if (r.allowed) allowed++;
  }
  assert.equal(allowed, 20);
});

test('a refused take says how long until one token is back', () => {
  let state: TokenBucketState | undefined;
  for (let i = 0; i < 20; i++) state = takeToken(state, rule, 0).state;
  const r = takeToken(state, rule, 0);
  assert.equal(r.allowed, false);
  assert.equal(r.retryAfterMs, 100);
});

test('tokens refill at the rate and never beyond the burst', () => {
  let state: TokenBucketState | undefined;
  for (let i = 0; i < 20; i++) state = takeToken(state, rule, 0).state;
  assert.equal(takeToken(state, rule, 50).allowed, false);
  assert.equal(takeToken(state, rule, 100).allowed, true);
  const later = takeToken(state, rule, 3_600_000);
  assert.equal(later.allowed, true);
  assert.equal(later.state.tokens, 19);
});
