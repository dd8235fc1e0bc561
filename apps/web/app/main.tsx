import { Suspense, useEffect, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { Splash } from '@/components/splash';
import { usePathname } from '@/lib/router/router';
import { session } from '@/lib/session';
import { pageFor } from './route-table';
import { pageComponent } from './routes';
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

/** The page for the address; moving between pages (the router) renders another. */
function App() {
  const pathname = usePathname();
  const page = useMemo(() => pageFor(pathname), [pathname]);
  const Page = pageComponent(page);
  useEffect(() => {
    document.title = page.title;
  }, [page]);
  return (
    <Suspense fallback={<Splash />}>
      <Page />
    </Suspense>
  );
}

// A page behind a session starts restoring it (POST /auth/refresh) now, while the page's own
// code is still downloading, rather than once that code has run: the room's first messages
// wait on this answer.
if (pageFor(location.pathname).signedIn) session.bootstrap();

// The HTML shows the splash until the app draws (see index.html); the app draws from scratch.
const root = document.getElementById('app')!;
root.replaceChildren();
createRoot(root).render(<App />);
