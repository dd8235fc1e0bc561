/** Someone typing in a room. */
export interface TypingMark {
  roomId: string;
  userId: string;
}

/**
 * Who is typing where, each mark with a time to live: a client renews it while the person
 * types, and a mark not renewed runs out by itself (a closed tab, a lost network, a node
 * that died). Shared by every api node in the distributed profile, so a renewal that lands
 * on another node extends the same mark and the "stopped" is announced once, not per node.
 */
export interface TypingStore {
  /** Marks the person typing for ttlMs from now; a renewal moves the expiry. */
  start(mark: TypingMark, ttlMs: number): Promise<void>;
  /**
   * Clears the mark; true if there was one whose end nobody has announced yet (live, or run
   * out but not yet taken by takeExpired), so the caller announces "stopped".
   */
  stop(mark: TypingMark): Promise<boolean>;
  /**
   * Takes up to `limit` marks whose time ran out and removes them. Across every caller
   * sharing the store each expired mark is handed out exactly once.
   */
  takeExpired(limit: number): Promise<TypingMark[]>;
  /** The people typing in a room now. */
  typingIn(roomId: string): Promise<string[]>;
}
