import webpush from 'web-push';
import type { PushSettings } from '../config/config';
import type { PushStore, VapidKeyPair } from '../ports/push-store.port';

/**
 * The key pair pushes are signed with: the settings' (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY), or
 * else one generated once and kept in the database (in the embedded profile that is the data
 * folder), so every api node and worker signs alike and devices stay subscribed across restarts.
 */
export async function resolveVapidKeys(settings: PushSettings, store: Pick<PushStore, 'vapidKeys'>): Promise<VapidKeyPair> {
  return settings.vapid ?? store.vapidKeys(() => webpush.generateVAPIDKeys());
}
