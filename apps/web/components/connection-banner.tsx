'use client';

import { useEffect, useState } from 'react';
import { connectionBannerDelayMs, connectionBannerText } from '@/lib/stores/connection-store';
import { useChatClient, useStore } from '@/lib/use-chat';

/**
 * Says when live updates are paused, or that the browser is offline. The live region is
 * always in the page (a region that appears together with its text is often not announced);
 * the catch-up after a reconnect is silent and the banner stays until it is done.
 */
export function ConnectionBanner() {
  const connection = useStore(useChatClient().connection, (s) => s.status);
  const delayMs = connectionBannerDelayMs(connection);
  const [shownFor, setShownFor] = useState<typeof connection | null>(null);

  useEffect(() => {
    if (delayMs === 0) return;
    setShownFor(null);
    const timer = setTimeout(() => setShownFor(connection), delayMs);
    return () => clearTimeout(timer);
  }, [connection, delayMs]);

  const text = delayMs === 0 || shownFor === connection ? connectionBannerText(connection) : null;
  return (
    <div className="connection-banner" role="status">
      {text && <div className="connection-banner__text">{text}</div>}
    </div>
  );
}
