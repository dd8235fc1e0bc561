'use client';

import { useEffect } from 'react';
import type { User } from '@qc/shared';
import { api } from '../api';
import { session } from '../session';
import { timeZoneToSave } from './local-time';

/** Tried once per person per page load: a refusal (a zone this server's runtime does not know) is not retried in a loop. */
const tried = new Set<string>();

/**
 * Tells the server my time zone when I sign in (or come back) from a browser whose zone
 * differs from my profile's, so others see my local time on my profile card.
 */
export function useTimeZoneSync(me: User): void {
  useEffect(() => {
    const zone = timeZoneToSave(me.timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (!zone || tried.has(me.id)) return;
    tried.add(me.id);
    api.updateMe({ timeZone: zone }).then(
      (updated) => {
        if (session.user?.id === updated.id) session.setUser(updated);
      },
      // The card then shows no local time for me; nothing else depends on it.
      () => undefined,
    );
  }, [me.id, me.timeZone]);
}
