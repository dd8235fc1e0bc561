import { z } from 'zod';

/*
 * The desktop shell's bridge: what the Electron preload exposes to the web app as
 * `window.quantumDesktop` (context isolation on, no Node in the page), and what its main
 * process accepts back. The page is not trusted by the main process: every call crosses
 * IPC and is parsed here again before it touches a notification or the badge.
 */

export const DESKTOP_BRIDGE_VERSION = 1;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Where a click on a desktop notification takes the person: a room, a message in it, its seq when known. */
export const desktopOpenMessage = z
  .object({
    roomId: z.string().regex(UUID, 'roomId must be a UUID'),
    messageId: z.string().regex(UUID, 'messageId must be a UUID'),
    seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable(),
  })
  .strict();
export type DesktopOpenMessage = z.infer<typeof desktopOpenMessage>;

/** `quantumDesktop.notify(…)`: a native notification for a message (title and body already worked out by the page). */
export const desktopNotification = z
  .object({
    /** Who and where ("Alice in #general"); cut to what a notification shows. */
    title: z.string().trim().min(1, 'title is empty').max(256),
    /** The message as plain text, or empty for private notifications. */
    body: z.string().max(1024),
    /** Silent when the person turned the sound off (the page plays its own chime). */
    silent: z.boolean().default(true),
    target: desktopOpenMessage,
  })
  .strict();
export type DesktopNotification = z.input<typeof desktopNotification>;

/** `quantumDesktop.setUnreadCount(…)`: what waits, as the sidebar counts it (muted rooms add nothing). */
export const desktopUnreadCount = z
  .object({
    unread: z.number().int().nonnegative().max(1_000_000),
    mentions: z.number().int().nonnegative().max(1_000_000),
  })
  .strict();
export type DesktopUnreadCount = z.infer<typeof desktopUnreadCount>;

/** The shape of `window.quantumDesktop` in the page. */
export interface QuantumDesktopBridge {
  readonly version: number;
  /** The platform the shell runs on ('darwin', 'win32', 'linux'), for wording only. */
  readonly platform: string;
  setUnreadCount(count: DesktopUnreadCount): void;
  notify(notification: DesktopNotification): void;
  /** A notification was clicked: open this message. Returns the unsubscribe. */
  onOpenMessage(listener: (target: DesktopOpenMessage) => void): () => void;
}

/** The IPC channels between the preload and the main process (the preload keeps a copy: a sandboxed preload can require nothing but electron; a spec checks they agree). */
export const DESKTOP_CHANNELS = {
  setUnreadCount: 'qc:desktop:set-unread-count',
  notify: 'qc:desktop:notify',
  openMessage: 'qc:desktop:open-message',
} as const;
