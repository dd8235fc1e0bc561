/*
 * Whether the person is here: the page visible, and touched within the last few minutes.
 * It drives my presence (online or away) and when a room on screen counts as read.
 */

const IDLE_AFTER_MS = 5 * 60_000;

export function isPageVisible(): boolean {
  return typeof document === 'undefined' || document.visibilityState === 'visible';
}

export type MyStatus = 'online' | 'away';

/** Calls `onStatus` on every change of hidden/idle, and `onVisible` when the page is shown again. Returns the unsubscribe. */
export function watchPageActivity(hooks: { onStatus(status: MyStatus): void; onVisible(): void }): () => void {
  if (typeof document === 'undefined') return () => undefined;
  let idle = false;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let lastActivityAt = 0;
  const status = (): MyStatus => (!isPageVisible() || idle ? 'away' : 'online');

  const onVisibility = () => {
    hooks.onStatus(status());
    if (isPageVisible()) hooks.onVisible();
  };
  const onActivity = () => {
    const now = Date.now();
    // Pointer moves come by the hundred: once a second is enough to know someone is here.
    if (!idle && now - lastActivityAt < 1000) return;
    lastActivityAt = now;
    idle = false;
    hooks.onStatus(status());
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idle = true;
      hooks.onStatus(status());
    }, IDLE_AFTER_MS);
  };

  const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'focus'] as const;
  document.addEventListener('visibilitychange', onVisibility);
  for (const type of activityEvents) window.addEventListener(type, onActivity, { passive: true });
  onActivity();
  return () => {
    document.removeEventListener('visibilitychange', onVisibility);
    for (const type of activityEvents) window.removeEventListener(type, onActivity);
    if (idleTimer) clearTimeout(idleTimer);
  };
}
