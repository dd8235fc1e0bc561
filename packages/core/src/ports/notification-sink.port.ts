import type { RoomKind } from '@qc/shared';

/**
 * A member with no device connected, to be told of a message by push: what the notify
 * consumer decided, with everything a push shows already worked out (a push service's
 * payload cannot wait for lookups).
 */
export interface OfflineNotification {
  /** `<messageId>:<userId>`: the same notification redelivered has the same id, so push can drop repeats. */
  id: string;
  userId: string;
  roomId: string;
  roomKind: RoomKind;
  /** "# general", a group's name, or for a DM the sender's name. */
  roomTitle: string;
  messageId: string;
  seq: number;
  senderId: string;
  senderName: string;
  /** A short plain-text preview (mentions as @names, files named): shown unless the device chose private notifications. */
  preview: string;
  /** It mentions them (a DM counts): pushed with high urgency. */
  mention: boolean;
  /** A reply in a thread. */
  inThread: boolean;
  createdAt: string;
}

export interface NotificationSink {
  /**
   * Whether anyone at all could be reached: false lets the notifier skip a room's run
   * without a query (an instance where nobody turned push on pays nothing for it).
   */
  hasRecipients?(): Promise<boolean>;
  publish(notifications: OfflineNotification[]): Promise<void>;
  close(): Promise<void>;
}

export const NOTIFICATION_SINK = Symbol('NotificationSink');
