import { createECDH } from 'node:crypto';
import type { PushDevice, PushSubscriptionBody, VapidPublicKey } from '@qc/shared';
import { AppError } from '../errors';
import { uuidv7 } from '../lib/uuidv7';
import type { PushStore, PushSubscriptionRecord } from '../ports/push-store.port';
import { endpointProblem } from './push-endpoint';

const toDevice = (s: PushSubscriptionRecord): PushDevice => ({
  id: s.id,
  private: s.private,
  createdAt: s.createdAt.toISOString(),
  lastPushedAt: s.lastPushedAt?.toISOString() ?? null,
});

/**
 * The devices a person has subscribed to Web Push. Sending is the notify consumer's
 * (WebPushSink); this is what `/push/…` serves.
 */
export class PushService {
  constructor(
    private readonly store: PushStore,
    private readonly settings: { publicKey: string; allowPrivateEndpoints: boolean },
    /** Told when a device subscribes (so a sink that believed nobody had one looks again). */
    private readonly onSubscribed: () => void = () => undefined,
  ) {}

  vapidPublicKey(): VapidPublicKey {
    return { publicKey: this.settings.publicKey };
  }

  /**
   * Keeps this device's subscription for the caller (a browser that was someone else's moves
   * to them). Refused VALIDATION: an endpoint that is not a public https push service, or a
   * key that is not a point on P-256 (no push could ever be encrypted to it).
   */
  async subscribe(userId: string, body: PushSubscriptionBody): Promise<PushDevice> {
    const problem = endpointProblem(body.endpoint, this.settings.allowPrivateEndpoints);
    if (problem) throw AppError.validation(problem);
    try {
      const probe = createECDH('prime256v1');
      probe.generateKeys();
      probe.computeSecret(Buffer.from(body.keys.p256dh, 'base64url'));
    } catch {
      throw AppError.validation('keys.p256dh is not a P-256 public key: subscribe the browser again');
    }
    const saved = await this.store.saveSubscription({
      id: uuidv7(),
      userId,
      endpoint: body.endpoint,
      p256dh: body.keys.p256dh,
      auth: body.keys.auth,
      private: body.private,
      expiresAt: body.expirationTime ? new Date(body.expirationTime) : null,
    });
    this.onSubscribed();
    return toDevice(saved);
  }

  /** Forgets one of the caller's devices (nothing happens if it was not theirs). */
  async unsubscribe(userId: string, endpoint: string): Promise<void> {
    await this.store.removeSubscription(userId, endpoint);
  }

  async devices(userId: string): Promise<PushDevice[]> {
    return (await this.store.listSubscriptions([userId])).map(toDevice);
  }
}
