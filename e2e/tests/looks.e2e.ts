import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from '@playwright/test';
import {
  expect,
  expectAllSent,
  messageLog,
  messageTexts,
  openDirectMessage,
  roomLink,
  roomNav,
  sendMessage,
  test,
  type Person,
} from './fixtures';

/*
 * What people see (issue #12): two people talk, and the run keeps screenshots of it at
 * desktop width, at phone width, and in dark mode (by the system's setting and by the
 * settings toggle) in e2e/test-results/screenshots/. Each screenshot comes with a check of
 * what it should show: the page's colours, the phone's tap target sizes, the intro.
 */

const SHOTS = path.join(__dirname, '..', 'test-results', 'screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // Caret blink and the "Sending…" fade are not what a screenshot is about.
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), animations: 'disabled', caret: 'hide' });
}

/** Relative luminance (0 black … 1 white) of a computed CSS colour such as `rgb(26, 29, 35)`. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

async function colours(page: Page, selector = 'body'): Promise<{ background: number; text: number }> {
  const { background, text } = await page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const style = getComputedStyle(el);
      return { background: style.backgroundColor, text: style.color };
    });
  return { background: luminance(background), text: luminance(text) };
}

async function expectDark(page: Page, selector?: string) {
  const c = await colours(page, selector);
  expect(c.background, `background luminance of ${selector ?? 'body'}`).toBeLessThan(0.05);
  expect(c.text, `text luminance of ${selector ?? 'body'}`).toBeGreaterThan(0.6);
}
async function expectLight(page: Page, selector?: string) {
  const c = await colours(page, selector);
  expect(c.background, `background luminance of ${selector ?? 'body'}`).toBeGreaterThan(0.85);
  expect(c.text, `text luminance of ${selector ?? 'body'}`).toBeLessThan(0.05);
}

/**
 * The same person on another device (a phone, say): a browser context of its own, signed in
 * with their password (a copy of the first context's session would reuse its refresh token).
 */
async function signInElsewhere(browser: Browser, baseURL: string, person: Person, options: Parameters<Browser['newContext']>[0]) {
  const context = await browser.newContext({ baseURL, ...options });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByRole('textbox', { name: 'Username' }).fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/chat');
  await expect(roomNav(page)).toBeVisible();
  return { context, page };
}

/** The boxes overlap (by more than a rounding pixel). */
async function overlap(a: Locator, b: Locator): Promise<boolean> {
  const [x, y] = [await a.boundingBox(), await b.boundingBox()];
  if (!x || !y) return false;
  return x.x + x.width > y.x + 1 && y.x + y.width > x.x + 1 && x.y + x.height > y.y + 1 && y.y + y.height > x.y + 1;
}

test('two people talk: desktop, phone and dark mode screenshots, each checked', async ({ alice, bob, browser, baseURL }) => {
  // Two people sign up, one signs in again on a phone, and they talk: minutes on a busy machine.
  test.setTimeout(240_000);
  const contexts: BrowserContext[] = [];
  try {
    await alice.page.setViewportSize(DESKTOP);
    await openDirectMessage(alice, bob);
    // The start of the conversation says what it is.
    await expect(messageLog(alice.page).getByTestId('room-intro')).toContainText('This is the beginning of your conversation with Bob');

    await sendMessage(alice.page, 'Morning! Did the release go out?');
    await roomLink(bob.page, 'Alice').click();
    await sendMessage(bob.page, 'It did, at nine sharp.');
    await sendMessage(bob.page, 'No alarms so far.');
    await sendMessage(alice.page, 'Great work, thank you 🎉');
    const conversation = ['Morning! Did the release go out?', 'It did, at nine sharp.', 'No alarms so far.', 'Great work, thank you 🎉'];
    await expect(messageTexts(alice.page)).toHaveText(conversation);
    await expectAllSent(alice.page, conversation.length);

    // ---- desktop, light (the system says light) ----
    await alice.page.emulateMedia({ colorScheme: 'light' });
    await expectLight(alice.page);
    await expectLight(alice.page, '.chat__main');
    await shoot(alice.page, 'desktop-light');

    // ---- desktop, dark because the system is ----
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await expectDark(alice.page);
    await expectDark(alice.page, '.chat__main');
    await expect(alice.page.locator('html')).not.toHaveAttribute('data-theme');
    await shoot(alice.page, 'desktop-dark-system');

    // ---- dark by the settings toggle, on a system that says light; remembered, no flash ----
    const { page } = alice;
    const dmUrl = page.url();
    await page.emulateMedia({ colorScheme: 'light' });
    const cspErrors: string[] = [];
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && cspErrors.push(m.text()));
    // What each page looks like once its HTML is parsed, before the app's JavaScript has run.
    await alice.context.addInitScript(() => {
      document.addEventListener('DOMContentLoaded', () => {
        (window as unknown as { qcFirstPaint: object }).qcFirstPaint = {
          theme: document.documentElement.getAttribute('data-theme'),
          background: getComputedStyle(document.body).backgroundColor,
        };
      });
    });
    await page.goto('/settings');
    const theme = page.getByRole('group', { name: 'Theme' });
    await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
    await expectLight(page);
    await theme.getByRole('radio', { name: 'Dark' }).check();
    await expectDark(page);
    await expectDark(page, '.settings__card');
    await shoot(page, 'settings-dark-toggle');

    await page.goto(dmUrl);
    await expect(messageTexts(page)).toHaveText(conversation);
    const firstPaint = await page.evaluate(
      () => (window as unknown as { qcFirstPaint: { theme: string; background: string } }).qcFirstPaint,
    );
    expect(firstPaint.theme).toBe('dark');
    expect(luminance(firstPaint.background)).toBeLessThan(0.05);
    await expectDark(page, '.chat__main');
    await shoot(page, 'desktop-dark-toggle');
    expect(cspErrors, 'the theme script runs under the Content-Security-Policy').toEqual([]);

    // Light in settings wins over a system that says dark.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/settings');
    await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
    await theme.getByRole('radio', { name: 'Light' }).check();
    await expectLight(page);

    // ---- phone ----
    const phone = await signInElsewhere(browser, baseURL!, bob, { ...PHONE, colorScheme: 'light' });
    contexts.push(phone.context);
    const sidebar = phone.page.getByRole('complementary', { name: 'Sidebar' });
    await expect(roomLink(phone.page, 'Alice')).toBeVisible();
    const targets = sidebar.locator('button:visible, a:visible');
    expect(await targets.count()).toBeGreaterThanOrEqual(5);
    for (const target of await targets.all()) {
      const box = await target.boundingBox();
      const name = (await target.getAttribute('aria-label')) ?? (await target.innerText());
      expect(box, name).not.toBeNull();
      expect(box!.width, `${name}: width`).toBeGreaterThanOrEqual(40);
      expect(box!.height, `${name}: height`).toBeGreaterThanOrEqual(40);
    }
    await expectLight(phone.page);
    await shoot(phone.page, 'phone-rooms');

    await roomLink(phone.page, 'Alice').tap();
    await expect(messageTexts(phone.page)).toHaveText(conversation);
    // Bob's second message is grouped under his first: its time shows in the gutter when tapped.
    const grouped = messageLog(phone.page).getByTestId('message').filter({ hasText: 'No alarms so far.' });
    await grouped.getByTestId('message-text').tap();
    const time = grouped.locator('.message__hover-time');
    await expect(time).toBeVisible();
    expect(await overlap(time, grouped.getByTestId('message-text')), 'the tapped time covers the text').toBe(false);
    for (const button of await phone.page.locator('.room-header button:visible, .room-header a:visible, .composer button:visible').all()) {
      const box = (await button.boundingBox())!;
      expect(Math.min(box.width, box.height), (await button.getAttribute('aria-label')) ?? '').toBeGreaterThanOrEqual(40);
    }
    await shoot(phone.page, 'phone-room');

    await phone.page.emulateMedia({ colorScheme: 'dark' });
    await expectDark(phone.page);
    await expectDark(phone.page, '.chat__main');
    await shoot(phone.page, 'phone-dark');
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
  }
});
