'use client';

import { useEffect, useState } from 'react';
import type { ModeratorMute, MyRoom } from '@qc/shared';
import { useRoom } from '../use-chat';

/** A moderator's mute of me in this room that still runs at `now`, or null (a mute ends by itself). */
export function activeMute(room: Pick<MyRoom, 'mutedByModerator'> | undefined, now: number): ModeratorMute | null {
  const mute = room?.mutedByModerator;
  return mute && Date.parse(mute.until) > now ? mute : null;
}

/** The mute of me in a room while it runs: the page re-renders the moment it ends. */
export function useActiveModeratorMute(roomId: string): ModeratorMute | null {
  const room = useRoom(roomId);
  const [now, setNow] = useState(() => Date.now());
  const mute = activeMute(room, now);
  useEffect(() => {
    if (!mute) return;
    // Timers past about 24.8 days overflow; a longer mute is looked at again then.
    const t = setTimeout(() => setNow(Date.now()), Math.min(Date.parse(mute.until) - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [mute]);
  return mute;
}
