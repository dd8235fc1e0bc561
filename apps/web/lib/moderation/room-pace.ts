import type { MyRoom, Role } from '@qc/shared';

/** The room roles a room's pace does not hold back (as the server's RoomStates). */
const EXEMPT: ReadonlySet<Role> = new Set(['moderator', 'admin', 'owner']);

export interface PaceForMe {
  /** Locked read-only, and I am not one of its moderators (or archived: nobody posts): the composer says so and does not send. */
  lockedForMe: boolean;
  /** Archived by the instance's staff: kept to read, whatever my role. */
  archived: boolean;
  /** Slow mode holding me to one message every this many seconds; null when off or when I am not held. */
  slowModeSeconds: number | null;
}

/** What a room's slow mode and lock mean for me, by my role in it. */
export function paceForMe(room: Pick<MyRoom, 'role' | 'slowModeSeconds' | 'readOnly' | 'archived'> | undefined): PaceForMe {
  if (room?.archived) return { lockedForMe: true, archived: true, slowModeSeconds: null };
  if (!room || EXEMPT.has(room.role)) return { lockedForMe: false, archived: false, slowModeSeconds: null };
  return { lockedForMe: room.readOnly === true, archived: false, slowModeSeconds: room.slowModeSeconds ? room.slowModeSeconds : null };
}

/** "30 s", "5 min", "1 h": how slow mode is said. */
export function slowModeLabel(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
