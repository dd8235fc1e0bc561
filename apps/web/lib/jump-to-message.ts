/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 1_600;

/**
 * Scrolls the room's message list to a message and highlights it for a moment, so people see
 * which one a quote or a pin meant. Says whether the message is on screen to jump to.
 */
export function jumpToMessage(messageId: string): boolean {
  const el = document.querySelector<HTMLElement>(`.message-list__scroller [data-message-id="${CSS.escape(messageId)}"]`);
  if (!el) return false;
  el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  // A class, not a style, so CSS owns the look and its fade.
  el.classList.add('message--highlight');
  setTimeout(() => el.classList.remove('message--highlight'), HIGHLIGHT_MS);
  return true;
}
