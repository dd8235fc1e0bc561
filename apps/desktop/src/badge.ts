import type { DesktopUnreadCount } from '@qc/shared';

/*
 * The unread count on the dock or taskbar, each platform in its own way: macOS a text badge
 * on the dock icon, Linux the launcher count (Unity, KDE and GNOME docks that read it),
 * Windows a small overlay icon on the taskbar button (it has no count of its own). "@" when
 * some of what waits mentions the person, as the tab's favicon does.
 */

export type Platform = 'darwin' | 'win32' | 'linux' | string;

/** '' when nothing waits; '1'…'9', '9+', or '@'. */
export function badgeLabel({ unread, mentions }: DesktopUnreadCount): string {
  if (mentions > 0) return '@';
  if (unread <= 0) return '';
  return unread > 9 ? '9+' : String(unread);
}

export interface BadgePresentation {
  /** app.setBadgeCount (Linux launchers): the number. */
  count: number;
  /** app.dock.setBadge (macOS): '' clears it. */
  dockText: string;
  /** The overlay icon's file in assets/ (Windows), null to clear it. */
  overlayAsset: string | null;
  /** Read by screen readers on the Windows taskbar. */
  description: string;
}

export function overlayAssetFor(label: string): string | null {
  if (label === '') return null;
  if (label === '@') return 'badge-mention.png';
  if (label === '9+') return 'badge-9plus.png';
  return `badge-${label}.png`;
}

export function presentBadge(count: DesktopUnreadCount): BadgePresentation {
  const label = badgeLabel(count);
  const description =
    count.unread === 0 && count.mentions === 0
      ? ''
      : count.mentions > 0
        ? `${count.unread} unread, ${count.mentions} mentioning you`
        : `${count.unread} unread`;
  return {
    count: Math.max(count.unread, count.mentions),
    dockText: dockText(count),
    overlayAsset: overlayAssetFor(label),
    description,
  };
}

/** macOS's dock badge holds text: the count ("99+" past that), with "@" before it when some of it mentions the person. */
function dockText({ unread, mentions }: DesktopUnreadCount): string {
  const number = unread > 99 ? '99+' : unread > 0 ? String(unread) : '';
  return mentions > 0 ? `@${number}` : number;
}

/** Ask for attention (a flashing taskbar button, a bouncing dock icon) when more waits than before and the window is not in front. */
export function shouldAskForAttention(before: DesktopUnreadCount, after: DesktopUnreadCount, windowFocused: boolean): boolean {
  if (windowFocused) return false;
  return after.mentions > before.mentions || after.unread > before.unread;
}
