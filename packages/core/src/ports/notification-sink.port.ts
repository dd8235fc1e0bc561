/** A member who was offline when a message arrived, to be reached by push later. */
export interface OfflineNotification {
  /** `<messageId>:<userId>`: the same notification redelivered has the same id, so push can drop repeats. */
  id: string;
  userId: string;
  roomId: string;
  messageId: string;
  seq: number;
  senderId: string;
  /** A short plain-text preview (push payloads are small). */
  preview: string;
  createdAt: string;
}

export interface NotificationSink {
  publish(notifications: OfflineNotification[]): Promise<void>;
  close(): Promise<void>;
}

export const NOTIFICATION_SINK = Symbol('NotificationSink');
