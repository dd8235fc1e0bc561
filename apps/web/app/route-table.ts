/**
 * Every page of the app: its address, its title and its source file. Plain data, so the
 * build (vite.config.ts) reads the same table the app routes by: it writes one HTML file per
 * address (`chat.html`, …) with the page's title, naming the page's module for the browser
 * to fetch alongside the entry instead of after it.
 */
export interface PageEntry {
  path: string;
  title: string;
  /** Relative to the web app's folder. */
  source: string;
  /** Shown only to a signed-in person: the session is restored as the app starts. */
  signedIn: boolean;
  /** Drawn into its HTML at build time (app/prerender.tsx), so it shows before any script runs. */
  prerendered?: boolean;
}

export const PAGES: readonly PageEntry[] = [
  { path: '/', title: 'Quantum Chat', source: 'app/page.tsx', signedIn: true },
  { path: '/login', title: 'Sign in · Quantum Chat', source: 'app/login/page.tsx', signedIn: false, prerendered: true },
  { path: '/register', title: 'Create your account · Quantum Chat', source: 'app/register/page.tsx', signedIn: false, prerendered: true },
  { path: '/chat', title: 'Quantum Chat', source: 'app/chat/page.tsx', signedIn: true },
  { path: '/settings', title: 'Settings · Quantum Chat', source: 'app/settings/page.tsx', signedIn: true },
  { path: '/admin', title: 'Admin · Quantum Chat', source: 'app/admin/page.tsx', signedIn: true },
];

/** Served for any other address (the api answers 404 with it). */
export const NOT_FOUND_PAGE: PageEntry = {
  path: '/404',
  title: 'Page not found · Quantum Chat',
  source: 'app/not-found.tsx',
  signedIn: false,
  prerendered: true,
};

export function pageFor(pathname: string): PageEntry {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '').replace(/\.html$/, '') : pathname;
  return PAGES.find((p) => p.path === path) ?? NOT_FOUND_PAGE;
}
