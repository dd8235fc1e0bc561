import { useMemo, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/*
 * The app's pages are one client: moving between them changes the address with the History
 * API and re-renders, without a page load. This is the whole router: the address as a store
 * (popstate and our own navigations), `useRouter` for push/replace, `useSearchParams` and
 * `usePathname` to read it, and `Link` for anchors that navigate in place. Every page's
 * address is also a real file the api serves (`/chat` is `chat.html`), so a reload or a
 * pasted link lands on the same page.
 */

type Listener = () => void;
const listeners = new Set<Listener>();

function here(): string {
  return typeof location === 'undefined' ? '/' : location.pathname + location.search;
}

let current = here();

function changed(): void {
  const next = here();
  if (next === current) return;
  current = next;
  for (const listener of listeners) listener();
}

if (typeof window !== 'undefined') window.addEventListener('popstate', changed);

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Goes to `href` in place (same origin) or by loading it (anywhere else). */
export function navigate(href: string, { replace = false }: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (url.origin !== location.origin) {
    location.assign(url.href);
    return;
  }
  const target = url.pathname + url.search + url.hash;
  if (replace) history.replaceState(history.state, '', target);
  else history.pushState(null, '', target);
  changed();
}

export interface Router {
  push(href: string): void;
  replace(href: string): void;
  back(): void;
}

// One object for the app's life, so effects that name the router do not re-run on every render.
const router: Router = {
  push: (href) => navigate(href),
  replace: (href) => navigate(href, { replace: true }),
  back: () => history.back(),
};

export function useRouter(): Router {
  return router;
}

/** The address's path and query (`/chat?room=…`); re-renders when it changes. */
export function useLocation(): string {
  return useSyncExternalStore(
    subscribe,
    () => current,
    () => current,
  );
}

export function usePathname(): string {
  const loc = useLocation();
  const q = loc.indexOf('?');
  return q === -1 ? loc : loc.slice(0, q);
}

export function useSearchParams(): URLSearchParams {
  const loc = useLocation();
  return useMemo(() => {
    const q = loc.indexOf('?');
    return new URLSearchParams(q === -1 ? '' : loc.slice(q + 1));
  }, [loc]);
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string };

/** An anchor that navigates in place on a plain click; a modified click (new tab, download) is the browser's. */
export function Link({ href, onClick, target, ...rest }: LinkProps) {
  const onAnchorClick = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    if (target && target !== '_self') return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} target={target} onClick={onAnchorClick} {...rest} />;
}
