import type { BrowserContext, Page } from '@playwright/test';
import { expect, expectAllSent, messageTexts, openDirectMessage, roomLink, roomNav, sendMessage, test, type Person } from './fixtures';

/*
 * The Content-Security-Policy in Chromium (issue #10): the real static export runs under
 * it with no violation (its inline scripts are allowed by hash, not 'unsafe-inline'), and a
 * script injected into the page does not run.
 */

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

/** Every CSP violation this context's pages report, as events and as console errors. */
async function watchViolations(context: BrowserContext): Promise<Violation[]> {
  const violations: Violation[] = [];
  await context.exposeFunction('qcReportCspViolation', (v: Violation) => violations.push(v));
  // Runs in every document before the page's own scripts (Playwright adds it outside the CSP).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { qcReportCspViolation: (v: Violation) => void }).qcReportCspViolation;
      void report({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
    });
  });
  return violations;
}

/** What Chromium says in the console about either policy (a blocked resource, a feature it does not know). */
function consolePolicyErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Permissions-Policy/i.test(m.text())) errors.push(m.text());
  });
  return errors;
}

test('the web app works under its Content-Security-Policy: sign up, socket, send, receive', async ({ browser, baseURL, bob }) => {
  const context = await browser.newContext({ baseURL });
  try {
    const violations = await watchViolations(context);
    const page = await context.newPage();
    const policyErrors = consolePolicyErrors(page);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    const response = await page.goto('/register');
    const policy = response?.headers()['content-security-policy'] ?? '';
    const scriptSrc = /(?:^|;)\s*script-src ([^;]*)/.exec(policy)?.[1] ?? '';
    expect(scriptSrc).toMatch(/'sha256-/);
    expect(scriptSrc).not.toMatch(/unsafe/);
    expect(policy).toMatch(/frame-ancestors 'none'/);

    const username = `csp_${Date.now().toString(36)}`;
    await page.getByRole('textbox', { name: 'Username' }).fill(username);
    await page.getByRole('textbox', { name: 'Display name' }).fill('Cass');
    await page.getByLabel('Password').fill(`pw-${username}-secret`);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL('**/chat');
    await expect(roomNav(page)).toBeVisible();

    const cass: Person = { username, password: '', displayName: 'Cass', context, page, frames: [] };
    await openDirectMessage(cass, bob);
    await sendMessage(page, 'sent under a strict CSP');
    await expectAllSent(page, 1);
    await roomLink(bob.page, 'Cass').click();
    await expect(messageTexts(bob.page)).toHaveText(['sent under a strict CSP']);
    await sendMessage(bob.page, 'and received');
    await expect(messageTexts(page)).toHaveText(['sent under a strict CSP', 'and received']);

    // Socket.IO went over a WebSocket to our origin (connect-src 'self' covers ws:), not a fallback.
    expect(sockets.some((url) => new URL(url).host === new URL(baseURL!).host && url.includes('/socket.io/'))).toBe(true);
    // A reload runs every inline script of the page again, each checked against its hash.
    await page.reload();
    await expect(messageTexts(page)).toHaveText(['sent under a strict CSP', 'and received']);
    expect(violations).toEqual([]);
    expect(policyErrors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('a script injected into the page does not run, and the browser reports it', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  try {
    const violations = await watchViolations(context);
    const page = await context.newPage();
    const inject = () =>
      page.evaluate(() => {
        const script = document.createElement('script');
        script.textContent = 'window.qcInjected = "ran"';
        document.body.appendChild(script);
        const img = document.createElement('img');
        img.setAttribute('onerror', 'window.qcInjectedAttr = "ran"');
        img.src = 'data:,not-an-image';
        document.body.appendChild(img);
      });

    // The control: without our policy the same injection runs (so the check below means something).
    await page.setContent('<html><body>no policy here</body></html>');
    await inject();
    await expect.poll(() => page.evaluate(() => (window as unknown as { qcInjected?: string }).qcInjected)).toBe('ran');

    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await inject();
    await expect.poll(() => violations.filter((v) => v.directive.startsWith('script-src')).length).toBeGreaterThanOrEqual(2);
    const ran = await page.evaluate(() => {
      const w = window as unknown as { qcInjected?: string; qcInjectedAttr?: string };
      return [w.qcInjected ?? null, w.qcInjectedAttr ?? null];
    });
    expect(ran).toEqual([null, null]);
    expect([...new Set(violations.map((v) => v.directive))].sort()).toEqual(['script-src-attr', 'script-src-elem']);
    expect(violations.find((v) => v.directive === 'script-src-elem')?.blocked).toBe('inline');
  } finally {
    await context.close();
  }
});
