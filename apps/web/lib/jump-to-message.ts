/** How long a message jumped to stays highlighted. */
const HIGHLIGHT_MS = 1_600;

/** A message's element in a list, found by its id. */
export function messageElement(container: ParentNode, messageId: string): HTMLElement | null {
  return container.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(messageId)}"]`);
}

/**
 * Brings a message into view, in the middle of the list, and highlights it for a moment so
 * people see which one a search hit, a quote or a pin meant. At once rather than smoothly
 * when it was just loaded: a smooth scroll through a fresh window would pass its ends and
 * ask for pages nobody wanted.
 */
export function highlightMessage(el: HTMLElement, smooth = false): void {
  el.scrollIntoView({ block: 'center', behavior: smooth ? 'smooth' : 'auto' });
  // A class, not a style, so CSS owns the look and its fade.
  el.classList.add('message--highlight');
  setTimeout(() => el.classList.remove('message--highlight'), HIGHLIGHT_MS);
}
