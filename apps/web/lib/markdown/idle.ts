/**
 * Runs a task when the browser has a moment (or after two seconds at most): for fetching the
 * markdown chunks early without competing with the chat's own start (its first render, the
 * session, the room list). In node (tests) it does nothing.
 */
export function whenIdle(task: () => void): void {
  if (typeof window === 'undefined') return;
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => task(), { timeout: 2000 });
  else setTimeout(task, 200);
}
