import type { PushSubscriptionBody } from '@qc/shared';
import { api } from '../api';
import { desktopBridge } from '../desktop/desktop-bridge';

/*
 * Web Push on this device: the service worker (public/sw.js) registered, the browser's push
 * manager subscribed with the server's VAPID key, and that subscription handed to the server,
 * which then pushes DMs and mentions here while no tab of the app is open. The choice of
 * private notifications (no message text) is this device's, remembered here and on the server.
 */

const PRIVATE_KEY = 'qc:push-private';

export type PushAvailability = 'available' | 'unsupported' | 'insecure' | 'desktop';

/**
 * Whether this browser can take pushes here (a service worker needs https or localhost).
 * Not in the desktop shell: Electron has no push service, and the shell tells while it runs.
 */
export function pushAvailability(): PushAvailability {
  if (desktopBridge()) return 'desktop';
  if (typeof window === 'undefined' || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'unsupported';
  }
  return window.isSecureContext ? 'available' : 'insecure';
}

export function privateChoice(): boolean {
  return typeof localStorage !== 'undefined' && localStorage.getItem(PRIVATE_KEY) === '1';
}

async function workerRegistration(): Promise<ServiceWorkerRegistration> {
  await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  return navigator.serviceWorker.ready;
}

/** This device's subscription, if it has one (without registering anything). */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushAvailability() !== 'available') return null;
  const reg = await navigator.serviceWorker.getRegistration('/');
  return (await reg?.pushManager.getSubscription()) ?? null;
}

/** The VAPID key as the push manager takes it. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.byteLength) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
}

/** What the server is sent: the browser's subscription JSON and the private choice. */
export function subscriptionBody(sub: PushSubscriptionJSON, privately: boolean): PushSubscriptionBody {
  if (!sub.endpoint || !sub.keys?.p256dh || !sub.keys.auth) throw new Error('The browser gave an incomplete push subscription: try again.');
  return {
    endpoint: sub.endpoint,
    expirationTime: sub.expirationTime ?? null,
    keys: { p256dh: sub.keys.p256dh, auth: sub.keys.auth },
    private: privately,
  };
}

/**
 * Turns pushes on here (from a click: the browser asks for permission only then). A
 * subscription made with another key (the server's key changed) is replaced.
 */
export async function enablePush(privately: boolean): Promise<void> {
  const answer = await Notification.requestPermission();
  if (answer !== 'granted') {
    throw new Error('Notifications are blocked for this site. Allow them in the browser’s site settings, then turn this on again.');
  }
  const reg = await workerRegistration();
  const key = keyBytes((await api.vapidPublicKey()).publicKey);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameKey(sub.options.applicationServerKey, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  try {
    sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  } catch (e) {
    throw new Error(
      `The browser could not reach its push service (${e instanceof Error ? e.message : String(e)}). Check the connection and try again.`,
    );
  }
  await api.pushSubscribe(subscriptionBody(sub.toJSON(), privately));
  localStorage.setItem(PRIVATE_KEY, privately ? '1' : '0');
}

/** Turns pushes off here: the server forgets the device, and the browser drops the subscription. */
export async function disablePush(): Promise<void> {
  const sub = await currentSubscription();
  if (!sub) return;
  // Forgotten on the server first: a device that stopped listening must not stay listed.
  await api.pushUnsubscribe(sub.endpoint).catch(() => undefined);
  await sub.unsubscribe();
}

/**
 * On each start of the app: a device subscribed here is registered again, so the server
 * knows it even if it forgot it (a push service said it was gone, another account used this
 * browser) or the browser replaced the subscription. Quiet: failures wait for the next start.
 */
export async function resyncPush(): Promise<void> {
  try {
    if (pushAvailability() !== 'available' || Notification.permission !== 'granted') return;
    const sub = await currentSubscription();
    if (sub) await api.pushSubscribe(subscriptionBody(sub.toJSON(), privateChoice()));
  } catch {
    // Next start tries again.
  }
}
