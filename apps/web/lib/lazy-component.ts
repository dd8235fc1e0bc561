import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

/**
 * A component fetched the first time it renders, as a chunk of its own: for panels and
 * dialogs that open on a click, so the chat's first load does not download, parse and run
 * them. Render it inside a <Suspense>. (React.lazy wants a default export; ours are named.)
 */
export function lazyComponent<P extends object>(load: () => Promise<ComponentType<P>>): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: await load() }));
}
