import { desktopNotification, desktopUnreadCount, type DesktopOpenMessage, type DesktopUnreadCount } from '@qc/shared';

/*
 * The main process's side of the bridge, apart from Electron so it can be tested: each call
 * from the page is accepted only from the app's own origin and only when it parses (the page
 * is a web page; the bridge is its only way out). One notification per room is kept, a new
 * one replacing the last, as the browser's `tag` does; a click brings the window forward and
 * tells the page which message to open.
 */

export interface ShownNotification {
  close(): void;
}

export interface BridgeHostDeps {
  isAppOrigin(senderUrl: string): boolean;
  showNotification(n: { title: string; body: string; silent: boolean }, onClick: () => void): ShownNotification | null;
  showBadge(count: DesktopUnreadCount, before: DesktopUnreadCount): void;
  focusWindow(): void;
  openMessage(target: DesktopOpenMessage): void;
  warn(message: string): void;
}

export class BridgeHost {
  private readonly byRoom = new Map<string, ShownNotification>();
  private unread: DesktopUnreadCount = { unread: 0, mentions: 0 };

  constructor(private readonly deps: BridgeHostDeps) {}

  get unreadCount(): DesktopUnreadCount {
    return this.unread;
  }

  setUnreadCount(senderUrl: string, payload: unknown): boolean {
    if (!this.deps.isAppOrigin(senderUrl)) return this.refuse('setUnreadCount', senderUrl);
    const parsed = desktopUnreadCount.safeParse(payload);
    if (!parsed.success) return this.invalid('setUnreadCount', parsed.error.issues[0]?.message);
    const before = this.unread;
    this.unread = parsed.data;
    if (before.unread !== parsed.data.unread || before.mentions !== parsed.data.mentions) this.deps.showBadge(parsed.data, before);
    return true;
  }

  notify(senderUrl: string, payload: unknown): boolean {
    if (!this.deps.isAppOrigin(senderUrl)) return this.refuse('notify', senderUrl);
    const parsed = desktopNotification.safeParse(payload);
    if (!parsed.success) return this.invalid('notify', parsed.error.issues[0]?.message);
    const { title, body, silent, target } = parsed.data;
    this.byRoom.get(target.roomId)?.close();
    this.byRoom.delete(target.roomId);
    const shown = this.deps.showNotification({ title, body, silent }, () => {
      this.byRoom.delete(target.roomId);
      this.deps.focusWindow();
      this.deps.openMessage(target);
    });
    if (shown) this.byRoom.set(target.roomId, shown);
    return true;
  }

  /** The window went away (signed out, reloaded elsewhere): its notifications go with it. */
  clear(): void {
    for (const n of this.byRoom.values()) n.close();
    this.byRoom.clear();
  }

  private refuse(call: string, senderUrl: string): false {
    this.deps.warn(`quantumDesktop.${call} from ${senderUrl} was ignored: only the app's own pages may use the bridge.`);
    return false;
  }

  private invalid(call: string, why: string | undefined): false {
    this.deps.warn(`quantumDesktop.${call} was ignored: ${why ?? 'malformed'}.`);
    return false;
  }
}
