import { useEffect, useMemo, type ComponentType } from 'react';
import { createRoot, hydrateRoot } from 'react-dom/client';
import { usePathname } from '@/lib/router/router';
import { session } from '@/lib/session';
import { PageRoot } from './page-root';
import { pageFor, type PageEntry } from './route-table';
import { loadPage, pageComponent } from './routes';
import './styles/base.css';
import './styles/theme.css';
import './styles/auth.css';
import './styles/chat.css';
import './styles/dialog.css';
import './styles/markdown.css';
import './styles/your-data.css';
import './styles/navigation.css';
import './styles/search.css';
import './styles/details.css';
import './styles/attachments.css';
import './styles/admin.css';

/** Pages whose code is already here, drawn without suspending (a prerendered page's first draw). */
const loaded = new Map<PageEntry, ComponentType>();

/** The page for the address; moving between pages (the router) renders another. */
function App() {
  const pathname = usePathname();
  const page = useMemo(() => pageFor(pathname), [pathname]);
  const Page = loaded.get(page) ?? pageComponent(page);
  useEffect(() => {
    document.title = page.title;
  }, [page]);
  return <PageRoot Page={Page} />;
}

// A page behind a session starts restoring it (POST /auth/refresh) now, while the page's own
// code is still downloading, rather than once that code has run: the room's first messages
// wait on this answer.
const first = pageFor(location.pathname);
if (first.signedIn) session.bootstrap();

const root = document.getElementById('app')!;
if (root.hasAttribute('data-prerendered')) {
  // The page is already drawn in its HTML (app/prerender.tsx): once its code is here (the HTML
  // preloads it), it is made live on that HTML, so what the person typed meanwhile stays.
  void loadPage(first).then((Page) => {
    loaded.set(first, Page);
    hydrateRoot(root, <App />);
  });
} else {
  // The HTML shows the splash until the app draws (see index.html); the app draws from scratch.
  root.replaceChildren();
  createRoot(root).render(<App />);
}
