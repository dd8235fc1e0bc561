'use client';

import { useEffect, useState } from 'react';
import { useChatState } from '@/lib/use-chat';

/** How long a first connection may take before we say so: most finish well within it. */
const SLOW_CONNECT_MS = 2500;

/**
 * Says when live updates are paused. The live region is always in the page (a region that
 * appears together with its text is often not announced); the catch-up after a reconnect
 * is silent and the banner stays until it is done.
 */
export function ConnectionBanner() {
  const connection = useChatState((s) => s.connection);
  const [slow, setSlow] = useState(false);

  useEffect(() => {
    if (connection !== 'connecting') return;
    const timer = setTimeout(() => setSlow(true), SLOW_CONNECT_MS);
    return () => clearTimeout(timer);
  }, [connection]);

  const text = connection === 'reconnecting' ? 'Reconnecting…' : connection === 'connecting' && slow ? 'Connecting…' : null;
  return (
    <div className="connection-banner" role="status">
      {text && <div className="connection-banner__text">{text}</div>}
    </div>
  );
}
