import { Agent } from 'node:https';
import { performance } from 'node:perf_hooks';
import webpush, { WebPushError } from 'web-push';
import type { NotificationSink, OfflineNotification } from '../ports/notification-sink.port';
import type { PushDeliveryRecord, PushStore, PushSubscriptionRecord, VapidKeyPair } from '../ports/push-store.port';
import { endpointProblem, pushServiceLookup } from './push-endpoint';
import { pushPayload } from './push-payload';

export interface WebPushSettings {
  vapid: VapidKeyPair;
  /** The VAPID JWT's `sub`: how a push service reaches whoever runs this server. */
  subject: string;
  allowPrivateEndpoints: boolean;
  /** Extra CAs (PEM) trusted for push services' TLS. */
  ca?: string;
  /** How long a push service keeps a push for a device that is off (s). A day: a phone off overnight still hears of a DM. */
  ttlSec?: number;
  /** A push service that has not answered by then counts as failed (ms). */
  timeoutMs?: number;
  /** Pushes in flight at once. */
  concurrency?: number;
  /**
   * Every device subscribes through this process (one api node, its notifier in it), so
   * `subscribed()` keeps "nobody has subscribed" exact and it may be believed a while.
   * Elsewhere (workers, several nodes) only "somebody has" is: believing "nobody" there
   * would skip the pushes of whoever just subscribed on another node.
   */
  seesEverySubscription?: boolean;
}

/** Told of each push's outcome and time (for /metrics). */
export interface PushMetrics {
  pushed(status: PushDeliveryRecord['status'], seconds: number): void;
}

/** A push service that answers this (or the other) knows the device no more: its subscription is removed. */
const GONE = new Set([404, 410]);

/** How long an answer to "has anyone subscribed?" is believed before the store is asked again. */
const BELIEF_TTL_MS = 5_000;

/**
 * The notify consumer's sink: Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm
 * payloads (RFC 8291), by the `web-push` library, to every device of each person told.
 *
 * - A pair (notification, device) already `sent` is skipped: a redelivered log record never
 *   buzzes a phone twice.
 * - Each push carries a Topic per room, so a push service holding several for a device that
 *   is off hands over only the newest of each room; and high urgency for a mention or DM.
 * - Every outcome is a delivery row: sent (2xx), expired (404/410: the subscription is
 *   removed) or failed (anything else, the subscription kept; the reason recorded).
 */
export class WebPushSink implements NotificationSink {
  private readonly agent: Agent;
  private belief: { any: boolean; until: number } = { any: false, until: 0 };

  constructor(
    private readonly store: PushStore,
    private readonly settings: WebPushSettings,
    private readonly metrics?: PushMetrics,
  ) {
    // Kept-alive connections: a burst to one push service reuses them instead of a TLS handshake per push.
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: settings.concurrency ?? 16,
      lookup: pushServiceLookup(settings.allowPrivateEndpoints),
      ...(settings.ca ? { ca: settings.ca } : {}),
    });
  }

  /** A device that just subscribed is reachable at once, not after the "nobody" belief lapses. */
  subscribed(): void {
    this.belief = { any: true, until: Date.now() + BELIEF_TTL_MS };
  }

  async hasRecipients(): Promise<boolean> {
    if (Date.now() < this.belief.until) return this.belief.any;
    const any = await this.store.anySubscription();
    // Somebody: believed anywhere (at worst a run is looked at for nothing). Nobody: only here.
    if (any || this.settings.seesEverySubscription) this.belief = { any, until: Date.now() + BELIEF_TTL_MS };
    return any;
  }

  async publish(notifications: OfflineNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    const devices = await this.store.listSubscriptions([...new Set(notifications.map((n) => n.userId))]);
    const byUser = new Map<string, PushSubscriptionRecord[]>();
    for (const d of devices) byUser.set(d.userId, [...(byUser.get(d.userId) ?? []), d]);
    const pairs = notifications.flatMap((n) => (byUser.get(n.userId) ?? []).map((device) => ({ n, device })));
    if (pairs.length === 0) return;
    const done = await this.store.alreadySent(pairs.map(({ n, device }) => ({ notificationId: n.id, subscriptionId: device.id })));
    const todo = pairs.filter(({ n, device }) => !done.has(`${n.id} ${device.id}`));
    const rows = await mapLimited(todo, this.settings.concurrency ?? 16, ({ n, device }) => this.push(n, device));
    await this.store.recordDeliveries(rows);
    const gone = [...new Set(rows.filter((r) => r.status === 'expired').map((r) => r.subscriptionId))];
    await this.store.removeSubscriptionsById(gone);
  }

  private async push(n: OfflineNotification, device: PushSubscriptionRecord): Promise<PushDeliveryRecord> {
    const started = performance.now();
    const row = (status: PushDeliveryRecord['status'], httpStatus: number | null, error: string | null): PushDeliveryRecord => {
      const tookMs = performance.now() - started;
      this.metrics?.pushed(status, tookMs / 1000);
      return {
        notificationId: n.id,
        subscriptionId: device.id,
        userId: n.userId,
        status,
        httpStatus,
        error,
        tookMs,
        createdAt: new Date(),
      };
    };
    if (device.expiresAt && device.expiresAt.getTime() <= Date.now()) return row('expired', null, 'the subscription had expired');
    const problem = endpointProblem(device.endpoint, this.settings.allowPrivateEndpoints);
    if (problem) return row('failed', null, problem);
    try {
      const answer = await webpush.sendNotification(
        { endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } },
        JSON.stringify(pushPayload(n, device.private)),
        {
          vapidDetails: {
            subject: this.settings.subject,
            publicKey: this.settings.vapid.publicKey,
            privateKey: this.settings.vapid.privateKey,
          },
          TTL: this.settings.ttlSec ?? 24 * 3600,
          urgency: n.mention ? 'high' : 'normal',
          // At most 32 base64url characters: the room id without its dashes is exactly that.
          topic: n.roomId.replace(/-/g, ''),
          contentEncoding: 'aes128gcm',
          timeout: this.settings.timeoutMs ?? 10_000,
          agent: this.agent,
        },
      );
      return row('sent', answer.statusCode, null);
    } catch (e) {
      if (e instanceof WebPushError) {
        const reason = `${e.statusCode} from the push service${e.body ? `: ${e.body.slice(0, 200)}` : ''}`;
        return row(GONE.has(e.statusCode) ? 'expired' : 'failed', e.statusCode, reason);
      }
      return row('failed', null, e instanceof Error ? e.message.slice(0, 300) : String(e));
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}
