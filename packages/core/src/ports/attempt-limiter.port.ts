/**
 * How many times a key (a username, a client address, a person) may try something in a
 * window, and how long it stays refused once it has used them up.
 */
export interface AttemptPolicy {
  /** Names the counters; keys of different policies never meet. */
  name: string;
  /** Attempts allowed in one window; the one that reaches it locks the key (when lockSec is set). */
  limit: number;
  /** The window starts at a key's first attempt (a fixed window, as rate-limiter-flexible counts). */
  windowSec: number;
  /** Once the limit is reached the key is refused this long; unset, until its window ends. */
  lockSec?: number;
}

export interface AttemptState {
  /** Attempts counted in the key's current window (or lock). */
  count: number;
  /** How long the key is still refused; 0 = it may try now. */
  retryAfterMs: number;
}

export interface AttemptCounter {
  /**
   * Counts one attempt. `allowed` says whether this attempt was within the limit; the
   * attempt that reaches the limit is allowed and starts the lock, later ones are refused.
   */
  hit(key: string): Promise<AttemptState & { allowed: boolean }>;
  /** The key's state, counting nothing. */
  peek(key: string): Promise<AttemptState>;
  /** Refuses the key for `sec` from now, whatever its count (a growing delay). */
  hold(key: string, sec: number): Promise<void>;
  /** Forgets the key (a successful sign-in clears its failures). */
  reset(key: string): Promise<void>;
}

/**
 * Counters shared by every api node in the distributed profile (Redis), in this process
 * in the embedded one. Built on rate-limiter-flexible in both.
 */
export interface AttemptLimiter {
  counter(policy: AttemptPolicy): AttemptCounter;
}
