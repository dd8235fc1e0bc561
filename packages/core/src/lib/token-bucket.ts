export interface TokenBucketState {
  tokens: number;
  updatedAtMs: number;
}

export interface BucketRule {
  /** Tokens added per second. */
  ratePerSec: number;
  /** Bucket size: how many can be spent at once after a quiet spell. */
  burst: number;
}

export interface TakeResult {
  allowed: boolean;
  /** When not allowed: ms until one token is back. */
  retryAfterMs: number;
  state: TokenBucketState;
}

/** Pure token-bucket step, shared by the memory adapter and its tests. */
export function takeToken(state: TokenBucketState | undefined, rule: BucketRule, nowMs: number): TakeResult {
  const prev = state ?? { tokens: rule.burst, updatedAtMs: nowMs };
  const elapsed = Math.max(0, nowMs - prev.updatedAtMs) / 1000;
  const tokens = Math.min(rule.burst, prev.tokens + elapsed * rule.ratePerSec);
  if (tokens >= 1) {
    return { allowed: true, retryAfterMs: 0, state: { tokens: tokens - 1, updatedAtMs: nowMs } };
  }
  const retryAfterMs = Math.ceil(((1 - tokens) / rule.ratePerSec) * 1000);
  return { allowed: false, retryAfterMs, state: { tokens, updatedAtMs: nowMs } };
}

/** One token returned to a bucket, refilled to now first and capped at the burst. */
export function returnToken(state: TokenBucketState | undefined, rule: BucketRule, nowMs: number): TokenBucketState | undefined {
  if (!state) return undefined; // a bucket nobody spent from is full
  const elapsed = Math.max(0, nowMs - state.updatedAtMs) / 1000;
  return { tokens: Math.min(rule.burst, state.tokens + elapsed * rule.ratePerSec + 1), updatedAtMs: nowMs };
}
