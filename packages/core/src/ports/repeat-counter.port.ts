/**
 * Counts in how many places one thing was seen lately: the spam rule "the same text in N
 * rooms within a window" asks it per person and text. Across api nodes it must be one count
 * (a spammer's sockets may sit on several), so the distributed profile keeps it in Redis.
 */
export interface RepeatCounter {
  /**
   * Notes that `key` was seen in `place` now, and answers in how many distinct places it
   * was seen within the last `windowMs`, this one included. Seeing it again in a place
   * already counted moves that place's time forward; it does not count twice.
   */
  note(key: string, place: string, windowMs: number): Promise<number>;
}
