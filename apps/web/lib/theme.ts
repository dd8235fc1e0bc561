/*
 * Light, dark, or whatever the system says (the default). A choice of Light or Dark is kept
 * in this browser's localStorage and shown as `data-theme` on <html>; with none, CSS follows
 * `prefers-color-scheme` by itself (app/styles/theme.css).
 */

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];
export const THEME_STORAGE_KEY = 'qc-theme';

/**
 * Runs in <head> before the first paint, so a page never flashes light before turning dark,
 * and again when another tab of this browser changes the choice. Inline, so the api's
 * Content-Security-Policy allows it by the hash of this exact text (computed from the built
 * pages when the api starts): no nonce, no 'unsafe-inline'. localStorage may throw (storage
 * disabled): then the system's setting applies.
 */
const KEY = JSON.stringify(THEME_STORAGE_KEY);
export const THEME_BOOT_SCRIPT =
  `(function(){function a(){try{var t=localStorage.getItem(${KEY}),r=document.documentElement;` +
  `if(t==="light"||t==="dark")r.setAttribute("data-theme",t);else r.removeAttribute("data-theme")}catch(e){}}` +
  `a();addEventListener("storage",function(e){if(e.key===null||e.key===${KEY})a()})})()`;

function isChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function readThemeChoice(from: Storage | null = storage()): ThemeChoice {
  try {
    const value = from?.getItem(THEME_STORAGE_KEY);
    return isChoice(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Shows the choice on the page: an attribute for Light or Dark, none for System. */
export function applyThemeChoice(choice: ThemeChoice, root: Pick<Element, 'setAttribute' | 'removeAttribute'>): void {
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
}

const listeners = new Set<() => void>();

/** Remembers the choice in this browser and shows it at once. */
export function saveThemeChoice(choice: ThemeChoice, to: Storage | null = storage()): void {
  try {
    if (choice === 'system') to?.removeItem(THEME_STORAGE_KEY);
    else to?.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not remembered (storage disabled or full): it still applies to this page.
  }
  if (typeof document !== 'undefined') applyThemeChoice(choice, document.documentElement);
  for (const listener of listeners) listener();
}

/**
 * For useSyncExternalStore: a choice made here, or in another tab of this browser (which
 * the boot script has already shown on the page).
 */
export function subscribeThemeChoice(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => {
    if (event.key === null || event.key === THEME_STORAGE_KEY) listener();
  };
  if (typeof window !== 'undefined') window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    if (typeof window !== 'undefined') window.removeEventListener('storage', onStorage);
  };
}
