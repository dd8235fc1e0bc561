/*
 * The rooms I opened lately on this device, most recent first: what the quick switcher
 * offers before anything is typed, and what it ranks higher when something is. Kept in
 * localStorage per person (only room ids: nothing there that the server does not hold).
 */

export const RECENT_ROOMS_MAX = 12;

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

const keyFor = (userId: string) => `qc.recentRooms.${userId}`;

/** `roomId` first, the others after it in their order, at most `max`. */
export function withRecent(list: readonly string[], roomId: string, max = RECENT_ROOMS_MAX): string[] {
  return [roomId, ...list.filter((id) => id !== roomId)].slice(0, max);
}

/** What was saved; anything unreadable (another version, a hand edit, no storage) is an empty list. */
export function loadRecentRooms(storage: KeyValueStore | null, userId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(storage?.getItem(keyFor(userId)) ?? '[]');
    if (!Array.isArray(parsed)) return [];
    const ids = parsed.filter((id): id is string => typeof id === 'string' && id.length > 0 && id.length <= 64);
    return [...new Set(ids)].slice(0, RECENT_ROOMS_MAX);
  } catch {
    return [];
  }
}

export function saveRecentRooms(storage: KeyValueStore | null, userId: string, list: readonly string[]): void {
  try {
    storage?.setItem(keyFor(userId), JSON.stringify(list.slice(0, RECENT_ROOMS_MAX)));
  } catch {
    // Storage full or refused (private mode): the list lives on in memory for this visit.
  }
}

/** The page's localStorage, or null where there is none or it may not be used. */
export function browserStorage(): KeyValueStore | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
