'use client';

import { useEffect } from 'react';
import type { RoomListStore } from '../stores/room-list-store';
import { countForBadge, titleWithUnread } from './notification-decision';
import { DesktopBadge, desktopBridge } from '../desktop/desktop-bridge';

const BASE_TITLE = 'Quantum Chat';

/**
 * The tab tells what waits while the person is elsewhere: "(3) Quantum Chat" in the title
 * ("@" when some of it mentions them), and the favicon with a red badge. Counted as the
 * notification settings allow (a muted room adds nothing). In the desktop shell the same
 * count goes onto the dock or taskbar. Put back as it was on leaving.
 */
export function useUnreadBadge(rooms: RoomListStore): void {
  useEffect(() => {
    const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
    const originalIcon = link?.href ?? null;
    let shown = '';
    const bridge = desktopBridge();
    const desktop = bridge ? new DesktopBadge(bridge) : null;
    const render = () => {
      const { unread, mentions } = countForBadge(rooms.rooms, new Date());
      desktop?.show({ unread, mentions });
      document.title = titleWithUnread(BASE_TITLE, unread, mentions);
      const key = `${unread}/${mentions}`;
      if (key === shown || !link || !originalIcon) return;
      shown = key;
      if (unread === 0) link.href = originalIcon;
      else
        void badgedIcon(originalIcon, mentions > 0 ? '@' : unread > 9 ? '9+' : String(unread)).then(
          (url) => (link.href = url ?? originalIcon),
        );
    };
    render();
    const unsubscribe = rooms.subscribe(render);
    // Mutes end by themselves: look again each minute.
    const timer = setInterval(render, 60_000);
    return () => {
      unsubscribe();
      clearInterval(timer);
      desktop?.show({ unread: 0, mentions: 0 });
      document.title = BASE_TITLE;
      if (link && originalIcon) link.href = originalIcon;
    };
  }, [rooms]);
}

/** The app's icon with a red count in its corner, as a data URL (null where the canvas is not available). */
async function badgedIcon(iconUrl: string, label: string): Promise<string | null> {
  const img = new Image();
  img.src = iconUrl;
  try {
    await img.decode();
  } catch {
    return null;
  }
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 64;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(img, 0, 0, 64, 64);
  ctx.beginPath();
  ctx.arc(46, 18, 18, 0, Math.PI * 2);
  ctx.fillStyle = '#e5484d';
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = `bold ${label.length > 1 ? 20 : 26}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, 46, 19);
  return canvas.toDataURL('image/png');
}
