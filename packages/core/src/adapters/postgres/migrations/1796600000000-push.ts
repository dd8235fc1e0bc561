import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web Push:
 *  - push_vapid_keys: the one key pair pushes are signed with, when no setting gives one;
 *    made by the first node that needs it, so every node and worker signs alike.
 *  - push_subscriptions: one row per device (its push service's endpoint and the keys its
 *    payloads are encrypted to), and whether that device wants private notifications.
 *  - push_deliveries: what became of each push (sent, failed, expired), kept a week. A
 *    `sent` row is written once per notification and device, so a redelivered log record
 *    never buzzes a phone twice. No foreign key to the subscription: the row outlives an
 *    expired one, which is what it records.
 */
export class Push1796600000000 implements MigrationInterface {
  name = 'Push1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE push_vapid_keys (
        id           smallint PRIMARY KEY CHECK (id = 1),
        public_key   text NOT NULL,
        private_key  text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE push_subscriptions (
        id              uuid PRIMARY KEY,
        user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        endpoint        text NOT NULL UNIQUE,
        p256dh          text NOT NULL,
        auth            text NOT NULL,
        private         boolean NOT NULL DEFAULT false,
        expires_at      timestamptz,
        created_at      timestamptz NOT NULL DEFAULT now(),
        last_pushed_at  timestamptz
      )`);
    await q.query(`CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id)`);
    await q.query(`
      CREATE TABLE push_deliveries (
        id               bigserial PRIMARY KEY,
        notification_id  text NOT NULL,
        subscription_id  uuid NOT NULL,
        user_id          uuid NOT NULL,
        status           text NOT NULL CHECK (status IN ('sent', 'failed', 'expired')),
        http_status      integer,
        error            text,
        took_ms          integer NOT NULL CHECK (took_ms >= 0),
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX push_deliveries_sent_once ON push_deliveries (notification_id, subscription_id) WHERE status = 'sent'`);
    await q.query(`CREATE INDEX push_deliveries_user ON push_deliveries (user_id, created_at)`);
    await q.query(`CREATE INDEX push_deliveries_age ON push_deliveries (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE push_deliveries`);
    await q.query(`DROP TABLE push_subscriptions`);
    await q.query(`DROP TABLE push_vapid_keys`);
  }
}
