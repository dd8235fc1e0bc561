'use client';

import { useEffect, useState } from 'react';
import { useChatClient, useStore } from '@/lib/use-chat';

/** How long a first connection may take before we say so: most finish well within it. */
const SLOW_CONNECT_MS = 2500;
/**
 * How long a reconnect may take before we say so. The server closes a socket when its
 * access token expires (every 15 minutes) and the client is back within a blink; a
 * banner for that would only flicker.
 */
const SLOW_RECONNECT_MS = 1000;

/**
 * Says when live updates are paused. The live region is always in the page (a region that
 * appears together with its text is often not announced); the catch-up after a reconnect
 * is silent and the banner stays until it is done.
 */
export function ConnectionBanner() {
  const connection = useStore(useChatClient().connection, (s) => s.status);
  const [slowFor, setSlowFor] = useState<typeof connection | null>(null);

  useEffect(() => {
    setSlowFor(null);
    if (connection === 'online') return;
    const timer = setTimeout(() => setSlowFor(connection), connection === 'connecting' ? SLOW_CONNECT_MS : SLOW_RECONNECT_MS);
    return () => clearTimeout(timer);
  }, [connection]);

  const text =
    slowFor !== connection ? null : connection === 'reconnecting' ? 'Reconnecting…' : connection === 'connecting' ? 'Connecting…' : null;
  return (
    <div className="connection-banner" role="status">
      {text && <div className="connection-banner__text">{text}</div>}
    </div>
  );
}
