import { z } from 'zod';

/*
 * Web Push over REST: the app reads the server's VAPID public key (`GET /push/vapid-public-key`),
 * subscribes the browser with it, and hands the server the browser's PushSubscription JSON
 * (`POST /push/subscriptions`); `DELETE /push/subscriptions` with the endpoint forgets one
 * device. The server then pushes a PushPayload to each device of a member with none connected.
 */

/** Base64url without padding, of exactly `chars` characters (the pattern states the length too). */
const base64url = (chars: number, what: string) =>
  z
    .string()
    .length(chars, `${what} must be ${chars} base64url characters`)
    .regex(new RegExp(`^[A-Za-z0-9_-]{${chars}}$`), `${what} must be base64url without padding`);

/** A push service's URL: https (what every browser's push service uses), at most 2 KiB. */
const pushEndpoint = z
  .string()
  .max(2048)
  .url()
  .refine((u) => u.startsWith('https://'), 'endpoint must be an https URL');

/** `POST /push/subscriptions`: the browser's PushSubscription JSON, and this device's choice of private notifications. */
export const pushSubscriptionBody = z
  .object({
    endpoint: pushEndpoint,
    /** When the push service stops taking pushes for it (ms since 1970), if it says. */
    expirationTime: z.number().int().nonnegative().max(8_640_000_000_000_000).nullable().optional(),
    keys: z
      .object({
        /** The device's P-256 public key, uncompressed (65 bytes). */
        p256dh: base64url(87, 'keys.p256dh'),
        /** The device's 16-byte auth secret. */
        auth: base64url(22, 'keys.auth'),
      })
      .strict(),
    /** Pushes to this device name the room and sender only, never the message's text. */
    private: z.boolean().default(false),
  })
  .strict();
export type PushSubscriptionBody = z.infer<typeof pushSubscriptionBody>;

/** `DELETE /push/subscriptions`: which device stops getting pushes. */
export const pushUnsubscribeBody = z.object({ endpoint: pushEndpoint }).strict();
export type PushUnsubscribeBody = z.infer<typeof pushUnsubscribeBody>;

/** `GET /push/vapid-public-key`: the key to subscribe with (applicationServerKey), base64url. */
export interface VapidPublicKey {
  publicKey: string;
}

/** One device of mine that gets pushes. */
export interface PushDevice {
  id: string;
  private: boolean;
  createdAt: string;
  /** When a push last reached its push service; null before the first. */
  lastPushedAt: string | null;
}

/**
 * What a push carries to the service worker (encrypted end to end, so the push service reads
 * none of it). `body` is the message's text only when the device did not choose private
 * notifications; the room and the sender are always there.
 */
export interface PushPayload {
  v: 1;
  roomId: string;
  messageId: string;
  seq: number;
  /** The room's name ("# general", a group's name) or, for a DM, the sender's. */
  title: string;
  body: string;
  /** Who sent it (display name). */
  sender: string;
  /** It mentions them (or is a DM): a notification that should not be missed. */
  mention: boolean;
  /** Where a click goes: the room at this message, in the app. */
  url: string;
}

/** The app's address of a message: the chat page with the room open, scrolled to it. */
export function messagePath(roomId: string, messageId: string, seq: number): string {
  return `/chat?room=${encodeURIComponent(roomId)}&message=${encodeURIComponent(messageId)}&seq=${seq}`;
}
