import { Suspense, type ComponentType, type ReactNode } from 'react';
import { Splash } from '@/components/splash';

/**
 * What the app draws into #app: the page inside a Suspense that shows the splash while the
 * page's code loads. One component for the browser (app/main.tsx) and the build's prerender
 * (app/prerender.tsx), so a prerendered page's HTML is exactly the tree the browser then
 * makes live, ids from useId included.
 */
export function PageRoot({ Page }: { Page: ComponentType }): ReactNode {
  return (
    <Suspense fallback={<Splash />}>
      <Page />
    </Suspense>
  );
}
