import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import { NOT_FOUND_PAGE, PAGES, type PageEntry } from './route-table';

/**
 * Each page's module, loaded when the page is first shown, so the sign-in page never
 * downloads the chat. One lazy component per page, made once, so coming back to a page does
 * not load it again.
 */
const loaders: Record<string, () => Promise<{ default: ComponentType }>> = {
  '/': () => import('./page'),
  '/login': () => import('./login/page'),
  '/register': () => import('./register/page'),
  '/chat': () => import('./chat/page'),
  '/settings': () => import('./settings/page'),
  '/admin': () => import('./admin/page'),
  '/404': () => import('./not-found'),
};

const components = new Map<PageEntry, LazyExoticComponent<ComponentType>>(
  [...PAGES, NOT_FOUND_PAGE].map((page) => {
    const load = loaders[page.path];
    if (!load) throw new Error(`No module for the page ${page.path}: add it to app/routes.ts`);
    return [page, lazy(load)];
  }),
);

export function pageComponent(page: PageEntry): LazyExoticComponent<ComponentType> {
  return components.get(page)!;
}

/** The page's component itself, once its module is here (for drawing it without suspending). */
export async function loadPage(page: PageEntry): Promise<ComponentType> {
  return (await loaders[page.path]!()).default;
}
