/** Counts over the whole instance for its staff's dashboard (read rarely, never on the hot path). */
export interface InstanceStatsStore {
  /**
   * Messages sent per minute from `since` (a whole minute) to now, oldest first: entry i
   * counts the minute starting i minutes after `since`; minutes with none are 0.
   */
  messagesPerMinute(since: Date, now: Date): Promise<number[]>;
}
