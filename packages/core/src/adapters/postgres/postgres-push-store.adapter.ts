import type { DataSource } from 'typeorm';
import type { NewPushSubscription, PushDeliveryRecord, PushStore, PushSubscriptionRecord, VapidKeyPair } from '../../ports/push-store.port';
import { queryRows } from './pg-rows';

interface SubscriptionRow {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  private: boolean;
  expires_at: Date | null;
  created_at: Date;
  last_pushed_at: Date | null;
}

const SUBSCRIPTION_COLUMNS = 'id, user_id, endpoint, p256dh, auth, private, expires_at, created_at, last_pushed_at';

const toSubscription = (r: SubscriptionRow): PushSubscriptionRecord => ({
  id: r.id,
  userId: r.user_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  private: r.private,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  lastPushedAt: r.last_pushed_at,
});

interface DeliveryRow {
  notification_id: string;
  subscription_id: string;
  user_id: string;
  status: PushDeliveryRecord['status'];
  http_status: number | null;
  error: string | null;
  took_ms: number;
  created_at: Date;
}

/** Web Push's devices, deliveries and signing key in PostgreSQL (both profiles). */
export class PostgresPushStore implements PushStore {
  constructor(private readonly ds: DataSource) {}

  async vapidKeys(generated: () => VapidKeyPair): Promise<VapidKeyPair> {
    const read = async () =>
      (
        await queryRows<{ public_key: string; private_key: string }>(
          this.ds,
          `SELECT public_key, private_key FROM push_vapid_keys WHERE id = 1`,
        )
      )[0];
    let row = await read();
    if (!row) {
      const keys = generated();
      // Two nodes starting at once: one insert wins, and both read the winner's pair.
      await this.ds.query(`INSERT INTO push_vapid_keys (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`, [
        keys.publicKey,
        keys.privateKey,
      ]);
      row = await read();
    }
    return { publicKey: row!.public_key, privateKey: row!.private_key };
  }

  async saveSubscription(s: NewPushSubscription): Promise<PushSubscriptionRecord> {
    const [row] = await queryRows<SubscriptionRow>(
      this.ds,
      `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, private, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (endpoint) DO UPDATE
         SET user_id = EXCLUDED.user_id, p256dh = EXCLUDED.p256dh, auth = EXCLUDED.auth,
             private = EXCLUDED.private, expires_at = EXCLUDED.expires_at
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [s.id, s.userId, s.endpoint, s.p256dh, s.auth, s.private, s.expiresAt],
    );
    return toSubscription(row!);
  }

  async removeSubscription(userId: string, endpoint: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.ds,
      `DELETE FROM push_subscriptions WHERE user_id = $1 AND endpoint = $2 RETURNING id`,
      [userId, endpoint],
    );
    return rows.length > 0;
  }

  async removeSubscriptionsById(ids: readonly string[]): Promise<void> {
    if (ids.length) await this.ds.query(`DELETE FROM push_subscriptions WHERE id = ANY($1::uuid[])`, [ids]);
  }

  async listSubscriptions(userIds: readonly string[]): Promise<PushSubscriptionRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await queryRows<SubscriptionRow>(
      this.ds,
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM push_subscriptions WHERE user_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [userIds],
    );
    return rows.map(toSubscription);
  }

  async anySubscription(): Promise<boolean> {
    const rows = await queryRows<{ one: number }>(this.ds, `SELECT 1 AS one FROM push_subscriptions LIMIT 1`);
    return rows.length > 0;
  }

  async alreadySent(pairs: readonly { notificationId: string; subscriptionId: string }[]): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const rows = await queryRows<{ notification_id: string; subscription_id: string }>(
      this.ds,
      `SELECT d.notification_id, d.subscription_id
         FROM push_deliveries d
         JOIN unnest($1::text[], $2::uuid[]) AS p(notification_id, subscription_id)
           ON d.notification_id = p.notification_id AND d.subscription_id = p.subscription_id
        WHERE d.status = 'sent'`,
      [pairs.map((p) => p.notificationId), pairs.map((p) => p.subscriptionId)],
    );
    return new Set(rows.map((r) => `${r.notification_id} ${r.subscription_id}`));
  }

  async recordDeliveries(rows: readonly PushDeliveryRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.ds.query(
      `INSERT INTO push_deliveries (notification_id, subscription_id, user_id, status, http_status, error, took_ms, created_at)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::int[], $8::timestamptz[])
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.notificationId),
        rows.map((r) => r.subscriptionId),
        rows.map((r) => r.userId),
        rows.map((r) => r.status),
        rows.map((r) => r.httpStatus),
        rows.map((r) => r.error),
        rows.map((r) => Math.max(0, Math.round(r.tookMs))),
        rows.map((r) => r.createdAt),
      ],
    );
    const sent = [...new Set(rows.filter((r) => r.status === 'sent').map((r) => r.subscriptionId))];
    if (sent.length) await this.ds.query(`UPDATE push_subscriptions SET last_pushed_at = now() WHERE id = ANY($1::uuid[])`, [sent]);
  }

  async listDeliveries(userId: string, limit: number): Promise<PushDeliveryRecord[]> {
    const rows = await queryRows<DeliveryRow>(
      this.ds,
      `SELECT notification_id, subscription_id, user_id, status, http_status, error, took_ms, created_at
         FROM push_deliveries WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map((r) => ({
      notificationId: r.notification_id,
      subscriptionId: r.subscription_id,
      userId: r.user_id,
      status: r.status,
      httpStatus: r.http_status,
      error: r.error,
      tookMs: r.took_ms,
      createdAt: r.created_at,
    }));
  }

  async pruneDeliveries(before: Date): Promise<number> {
    const rows = await queryRows<{ id: string }>(this.ds, `DELETE FROM push_deliveries WHERE created_at < $1 RETURNING id`, [before]);
    return rows.length;
  }
}
