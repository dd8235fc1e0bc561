import type { ComponentType } from 'react';
import { renderToString } from 'preact-render-to-string';
import LoginPage from './login/page';
import NotFound from './not-found';
import { PageRoot } from './page-root';
import RegisterPage from './register/page';

/*
 * Run by the build (vite.config.ts), in node: the pages a visitor sees before signing in,
 * drawn to HTML so the form is on screen before any script has run. The browser then makes
 * that HTML live (hydrates it) instead of drawing it again. Signed-in pages are not drawn
 * here: what they show depends on the person.
 */
const PRERENDERED: Record<string, ComponentType> = {
  '/login': LoginPage,
  '/register': RegisterPage,
  '/404': NotFound,
};

export function prerender(path: string): string {
  const Page = PRERENDERED[path];
  if (!Page) throw new Error(`No prerendered page for ${path}: add it to app/prerender.tsx`);
  // One component above PageRoot, as in the browser (App in main.tsx): useId's ids depend on
  // the tree's shape, and hydration keeps the HTML's ids, so the two trees must match.
  const App = () => <PageRoot Page={Page} />;
  // Our JSX is typed by React's types and rendered by Preact (preact/compat): the element is Preact's.
  return renderToString((<App />) as unknown as Parameters<typeof renderToString>[0]);
}
