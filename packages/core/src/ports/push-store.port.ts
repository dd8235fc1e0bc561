/** One device that gets pushes: its push service's endpoint and the keys payloads are encrypted to. */
export interface PushSubscriptionRecord {
  id: string;
  userId: string;
  endpoint: string;
  /** The device's P-256 public key (base64url) and auth secret (base64url): what aes128gcm encrypts to. */
  p256dh: string;
  auth: string;
  /** Pushes to it carry no message text. */
  private: boolean;
  expiresAt: Date | null;
  createdAt: Date;
  lastPushedAt: Date | null;
}

export type NewPushSubscription = Omit<PushSubscriptionRecord, 'createdAt' | 'lastPushedAt'>;

export type PushDeliveryStatus = 'sent' | 'failed' | 'expired';

/** What became of one push to one device. */
export interface PushDeliveryRecord {
  /** The OfflineNotification's id (`<messageId>:<userId>`). */
  notificationId: string;
  subscriptionId: string;
  userId: string;
  /** sent: the push service took it (2xx); expired: it answered 404/410 (the device is gone, its subscription removed); failed: anything else. */
  status: PushDeliveryStatus;
  httpStatus: number | null;
  error: string | null;
  tookMs: number;
  createdAt: Date;
}

export interface VapidKeyPair {
  publicKey: string;
  privateKey: string;
}

/** Devices subscribed to Web Push, what was pushed to them, and the key pushes are signed with: PostgreSQL in both profiles. */
export interface PushStore {
  /** The stored key pair, or `generated()` stored first if there is none (the first caller of any node wins). */
  vapidKeys(generated: () => VapidKeyPair): Promise<VapidKeyPair>;
  /** Adds a device, or updates it when its endpoint is known (a browser that signed in as someone else moves to them). */
  saveSubscription(s: NewPushSubscription): Promise<PushSubscriptionRecord>;
  /** Removes a person's device by endpoint; false if they had none there. */
  removeSubscription(userId: string, endpoint: string): Promise<boolean>;
  removeSubscriptionsById(ids: readonly string[]): Promise<void>;
  /** Every device of these people. */
  listSubscriptions(userIds: readonly string[]): Promise<PushSubscriptionRecord[]>;
  /** Whether any device anywhere is subscribed (the notifier does nothing at all while none is). */
  anySubscription(): Promise<boolean>;
  /** Of these (notification, device) pairs, those already pushed (`sent`), as `<notificationId> <subscriptionId>`. */
  alreadySent(pairs: readonly { notificationId: string; subscriptionId: string }[]): Promise<Set<string>>;
  /** Records what became of pushes; a second `sent` for the same pair is ignored. Marks the sent-to devices' lastPushedAt. */
  recordDeliveries(rows: readonly PushDeliveryRecord[]): Promise<void>;
  /** A person's latest deliveries, newest first. */
  listDeliveries(userId: string, limit: number): Promise<PushDeliveryRecord[]>;
  /** Forgets deliveries older than `before`; how many. */
  pruneDeliveries(before: Date): Promise<number>;
}
