import { api } from './api';
import { session } from './session';
import { SearchStore, type SearchFilters } from './stores/search-store';

/** The one message search of the chat screen: the panel reads it, anything may open it. */
export const searchUi = new SearchStore((params) => api.searchMessages(params));

/**
 * Opens message search, searching at once for `query` when one is given (with `filters`,
 * e.g. `{ roomId }` for "in this room"). This is what the quick switcher's "Search messages
 * for …" calls; "/" and the search box open it without a query.
 */
export function openSearch(query?: string, filters?: Partial<SearchFilters>): void {
  searchUi.open(query, filters);
}

if (typeof window !== 'undefined') {
  // What one person searched is not shown to the next one to sign in here.
  session.subscribe(() => {
    if (session.getSnapshot().status === 'anonymous') searchUi.reset();
  });
}
