/*
 * What the window may show. Only the app's own origin loads inside it; a link elsewhere
 * (http, https, mailto) opens in the system browser or mail program; anything else
 * (file:, javascript:, custom schemes) goes nowhere. The same origin check decides the few
 * permissions the page may have.
 */

export type NavigationDecision = 'stay' | 'open-externally' | 'block';

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function isAppOrigin(appUrl: URL, url: string): boolean {
  const target = parse(url);
  return target !== null && target.origin === appUrl.origin;
}

export function decideNavigation(appUrl: URL, url: string): NavigationDecision {
  const target = parse(url);
  if (!target) return 'block';
  if (target.origin === appUrl.origin) return 'stay';
  return EXTERNAL_PROTOCOLS.has(target.protocol) ? 'open-externally' : 'block';
}

/**
 * Notifications (the web app's own, when it is not using the bridge), writing to the
 * clipboard (copy link, copy code) and full screen (the lightbox): asked by the app's
 * origin only. Camera, microphone, location and the rest are refused: the app uses none.
 */
const PAGE_PERMISSIONS = new Set(['notifications', 'clipboard-sanitized-write', 'fullscreen']);

export function allowPermission(appUrl: URL, requestingUrl: string, permission: string): boolean {
  return PAGE_PERMISSIONS.has(permission) && isAppOrigin(appUrl, requestingUrl);
}
