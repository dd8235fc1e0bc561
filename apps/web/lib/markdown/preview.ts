import { useSyncExternalStore } from 'react';
import { whenIdle } from './idle';

/*
 * Previews (a reply's quote, the "Replying to" bar, the pinned list, the delete dialog) show
 * a message without its markdown, which takes the markdown parser: a chunk of its own, not
 * part of the chat's first load. Until it has arrived (it is fetched once the page is idle,
 * or by the first preview), a preview shows the text as typed; components that show one call
 * usePlainTextReady() so they render again, plain, when it has.
 */
let toPlainText: ((content: string) => string) | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export function loadPlainText(): Promise<void> {
  loading ??= import('./plain-text').then(
    (m) => {
      toPlainText = m.markdownToPlainText;
      for (const listener of listeners) listener();
    },
    (error: unknown) => {
      loading = null; // a later preview may try again (the chunk failed to load, offline)
      throw error;
    },
  );
  return loading;
}
whenIdle(() => void loadPlainText().catch(() => undefined));

/** The message's words without its markdown, or, until the parser has loaded, the text as typed. */
export function plainTextOf(content: string): string {
  if (toPlainText) return toPlainText(content);
  if (typeof window !== 'undefined') void loadPlainText().catch(() => undefined);
  return content;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True once previews are plain text; a component that shows one re-renders when that happens. */
export function usePlainTextReady(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => toPlainText !== null,
    () => false,
  );
}
