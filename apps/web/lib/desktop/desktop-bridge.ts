import type { DesktopNotification, DesktopOpenMessage, DesktopUnreadCount, Message, QuantumDesktopBridge } from '@qc/shared';

/*
 * The web app inside the desktop shell (apps/desktop): its preload hands the page
 * `window.quantumDesktop`, and through it notifications become native ones that bring the
 * window forward at the message, and the unread count goes onto the dock or taskbar. In a
 * browser there is no bridge and everything here answers null or does nothing.
 */

declare global {
  interface Window {
    quantumDesktop?: unknown;
  }
}

/** A bridge of the version this page speaks; anything else (an older shell, a page script's imitation with the wrong shape) is not used. */
export function isDesktopBridge(x: unknown): x is QuantumDesktopBridge {
  if (typeof x !== 'object' || x === null) return false;
  const b = x as Record<string, unknown>;
  return (
    b['version'] === 1 &&
    typeof b['notify'] === 'function' &&
    typeof b['setUnreadCount'] === 'function' &&
    typeof b['onOpenMessage'] === 'function'
  );
}

export function desktopBridge(): QuantumDesktopBridge | null {
  if (typeof window === 'undefined') return null;
  return isDesktopBridge(window.quantumDesktop) ? window.quantumDesktop : null;
}

/**
 * Whether a live message should be told as a notification rather than seen: in a browser,
 * when the tab is hidden; in the desktop shell also when its window is open but behind
 * others (as Slack's and Discord's apps do), since the person is not looking at it.
 */
export function personIsElsewhere(page: { visible: boolean; focused: boolean }, inDesktopShell: boolean): boolean {
  return !page.visible || (inDesktopShell && !page.focused);
}

const TITLE_MAX = 256;
const BODY_MAX = 1024;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** What the shell is asked to show for a message: within the bridge's limits, silent (the page plays its own chime). */
export function desktopNotificationFor(
  message: Pick<Message, 'roomId' | 'id' | 'seq'>,
  text: { title: string; body: string },
): DesktopNotification {
  return {
    title: cut(text.title.trim() || 'Quantum Chat', TITLE_MAX),
    body: cut(text.body, BODY_MAX),
    silent: true,
    target: {
      roomId: message.roomId,
      messageId: message.id,
      seq: Number.isSafeInteger(message.seq) && message.seq > 0 ? message.seq : null,
    },
  };
}

/** The sidebar's count, told to the shell only when it changes (each call crosses to another process). */
export class DesktopBadge {
  private last = '';

  constructor(private readonly bridge: Pick<QuantumDesktopBridge, 'setUnreadCount'>) {}

  show(count: DesktopUnreadCount): void {
    const key = `${count.unread}/${count.mentions}`;
    if (key === this.last) return;
    this.last = key;
    this.bridge.setUnreadCount(count);
  }
}

export type { DesktopOpenMessage };
