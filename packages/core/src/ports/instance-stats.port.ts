/** Counts over the whole instance for its staff's dashboard (read rarely, never on the hot path). */
export interface InstanceStatsStore {
  /**
   * Messages sent per minute from `since` (a whole minute) to now, oldest first: entry i
   * counts the minute starting i minutes after `since`; minutes with none are 0.
   */
  messagesPerMinute(since: Date, now: Date): Promise<number[]>;
  /** The latest messages one person sent in these rooms, newest first: where each is (read through the MessageStore). */
  latestBySender(senderId: string, roomIds: string[], limit: number): Promise<{ roomId: string; id: string }[]>;
}
