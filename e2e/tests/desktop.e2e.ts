import type { Page } from '@playwright/test';
import { composer, expect, messageLog, openDirectMessage, roomLink, test } from './fixtures';

/*
 * The web app inside the desktop shell (issue #13 item 5). Electron cannot be had here, so
 * the page gets `window.quantumDesktop` exactly as apps/desktop's preload hands it over
 * (three calls and a version; the preload itself is run and checked in apps/desktop's
 * specs): notifications and the unread count go through it instead of the browser's, and a
 * click coming back through it opens the message. Chromium is the engine Electron embeds.
 */

declare global {
  interface Window {
    __desktop: { notified: unknown[]; counts: { unread: number; mentions: number }[]; listeners: ((t: unknown) => void)[] };
    __browserNotifications: number;
    /** What apps/desktop's preload exposes; the web app reads it as unknown and checks its shape. */
    quantumDesktop?: unknown;
  }
}

/** Plays the preload: a bridge recording what the page sends; a spy counts the browser's own notifications. */
async function asDesktopShell(page: Page) {
  await page.addInitScript(() => {
    window.__desktop = { notified: [], counts: [], listeners: [] };
    window.__browserNotifications = 0;
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        window.__browserNotifications++;
        super(title, options);
      }
    } as typeof Notification;
    const d = window.__desktop;
    window.quantumDesktop = Object.freeze({
      version: 1,
      platform: 'linux',
      setUnreadCount: (c: { unread: number; mentions: number }) => void d.counts.push(c),
      notify: (n: unknown) => void d.notified.push(n),
      onOpenMessage: (fn: (t: unknown) => void) => {
        d.listeners.push(fn);
        return () => d.listeners.splice(d.listeners.indexOf(fn), 1);
      },
    });
  });
  await page.reload();
}

/** The window minimised (or the shell's window shown again): what Electron does to the page's visibility. */
async function setVisible(page: Page, visible: boolean) {
  await page.evaluate((v) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (v ? 'visible' : 'hidden') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => !v });
    document.dispatchEvent(new Event('visibilitychange'));
  }, visible);
}

const lastCount = (page: Page) => page.evaluate(() => window.__desktop.counts.at(-1) ?? null);

test('in the desktop shell: a DM becomes a native notification and a dock count; its click opens the message', async ({ alice, bob }) => {
  // Notifications granted to the browser too, so a browser notification would show if the page wrongly used it.
  await bob.context.grantPermissions(['notifications']);
  await asDesktopShell(bob.page);
  await openDirectMessage(alice, bob);
  await expect(roomLink(bob.page, 'Alice')).toBeVisible();
  await expect.poll(() => lastCount(bob.page)).toEqual({ unread: 0, mentions: 0 });
  // The page asks nobody for notification permission in the shell.
  await expect(bob.page.getByRole('button', { name: /turn on|enable/i })).toHaveCount(0);
  await setVisible(bob.page, false);

  await composer(alice.page).fill('desktop hello');
  await composer(alice.page).press('Enter');

  await expect.poll(() => bob.page.evaluate(() => window.__desktop.notified.length)).toBe(1);
  const [notified] = (await bob.page.evaluate(() => window.__desktop.notified)) as {
    title: string;
    body: string;
    silent: boolean;
    target: { roomId: string; messageId: string; seq: number | null };
  }[];
  expect(notified).toMatchObject({ title: 'Alice', body: 'desktop hello', silent: true });
  expect(notified!.target.seq).toBeGreaterThan(0);
  await expect.poll(() => lastCount(bob.page)).toEqual({ unread: 1, mentions: 0 });
  expect(await bob.page.evaluate(() => window.__browserNotifications)).toBe(0);

  // The shell hands the click back (after bringing the window forward): the room opens at the message, and the count clears as it is read.
  await setVisible(bob.page, true);
  await bob.page.evaluate((target) => window.__desktop.listeners.forEach((fn) => fn(target)), notified!.target);
  await bob.page.waitForURL(new RegExp(`/chat\\?room=${notified!.target.roomId}`));
  await expect(bob.page.getByRole('heading', { level: 1, name: /Alice/ })).toBeVisible();
  await expect(messageLog(bob.page).getByTestId('message-text')).toContainText(['desktop hello']);
  await expect.poll(() => lastCount(bob.page)).toEqual({ unread: 0, mentions: 0 });

  // A malformed target from a confused shell is ignored, not followed.
  await bob.page.evaluate(() => window.__desktop.listeners.forEach((fn) => fn({ roomId: '../admin', messageId: 'x', seq: 1 })));
  await expect(bob.page).toHaveURL(new RegExp(`/chat\\?room=${notified!.target.roomId}`));

  // Push in Settings says why it is not offered here.
  await bob.page.goto('/settings');
  await expect(bob.page.getByRole('note').filter({ hasText: 'The desktop app notifies you while it runs' })).toBeVisible();
});
