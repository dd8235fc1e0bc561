'use client';

import type { ModeratorMute } from '@qc/shared';
import { formatTime } from '@/lib/format-time';

/** Over the composer while a moderator's mute runs: why, and until when (it goes away by itself then). */
export function ModeratorMuteNotice({ mute }: { mute: ModeratorMute }) {
  const until = new Date(mute.until);
  const sameDay = until.toDateString() === new Date().toDateString();
  return (
    <div className="moderator-mute" role="status" data-testid="moderator-mute">
      <p>
        A moderator muted you in this room until{' '}
        <time dateTime={mute.until}>{sameDay ? formatTime(mute.until) : until.toLocaleString()}</time>
        {mute.reason ? (
          <>
            : <bdi>{mute.reason}</bdi>
          </>
        ) : (
          '.'
        )}
      </p>
    </div>
  );
}
