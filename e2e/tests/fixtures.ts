import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';

/*
 * People, each in their own browser context (their own cookies, their own socket), signed
 * up through the real UI with a username no other test or run uses.
 */

export interface Person {
  username: string;
  password: string;
  displayName: string;
  context: BrowserContext;
  page: Page;
  /** Socket.IO frames this person's page received, for waiting on acks the UI does not show. */
  frames: string[];
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

let counter = 0;
function uniqueUsername(label: string): string {
  counter += 1;
  const stamp = `${Date.now().toString(36)}${process.pid.toString(36)}${counter.toString(36)}`;
  return `${label}_${stamp}`.toLowerCase().slice(0, 32);
}

async function openPage(browser: Browser, baseURL: string, storageState?: StorageState) {
  const context = await browser.newContext({ baseURL, storageState });
  const page = await context.newPage();
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  return { context, page, frames };
}

async function signUp(browser: Browser, baseURL: string, label: string, displayName: string): Promise<Person> {
  const username = uniqueUsername(label);
  const password = `pw-${username}-secret`;
  const { context, page, frames } = await openPage(browser, baseURL);
  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Display name' }).fill(displayName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/chat');
  // Setting up people is not what any test measures: on a busy CI machine hashing the
  // password, the first socket and the first room list together can take more than 10 s.
  await expect(roomNav(page)).toBeVisible({ timeout: 30_000 });
  return { username, password, displayName, context, page, frames };
}

type Fixtures = {
  /** Signs up one more person in a fresh browser context; all are closed after the test. */
  signUpPerson: (label: string, displayName: string) => Promise<Person>;
  /** Opens a new browser context with a saved session (as if the person came back later). */
  comeBack: (person: Person, state: StorageState) => Promise<Person>;
  alice: Person;
  bob: Person;
};

export const test = base.extend<Fixtures>({
  signUpPerson: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (label, displayName) => {
      const person = await signUp(browser, baseURL!, label, displayName);
      contexts.push(person.context);
      return person;
    });
    for (const context of contexts) await context.close().catch(() => undefined);
  },
  comeBack: async ({ browser, baseURL }, use) => {
    const contexts: BrowserContext[] = [];
    await use(async (person, state) => {
      const opened = await openPage(browser, baseURL!, state);
      contexts.push(opened.context);
      await opened.page.goto('/chat');
      await expect(roomNav(opened.page)).toBeVisible();
      return { ...person, ...opened };
    });
    for (const context of contexts) await context.close().catch(() => undefined);
  },
  alice: async ({ signUpPerson }, use) => {
    await use(await signUpPerson('alice', 'Alice'));
  },
  bob: async ({ signUpPerson }, use) => {
    await use(await signUpPerson('bob', 'Bob'));
  },
});

export { expect };

// ---------- page helpers: every locator by role and accessible name ----------

export function roomNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Rooms' });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A room in the sidebar: its link's accessible name starts with the room's name. */
export function roomLink(page: Page, roomName: string): Locator {
  return roomNav(page).getByRole('link', { name: new RegExp(`^${escapeRegExp(roomName)}\\b`) });
}

export function messageLog(page: Page): Locator {
  return page.getByRole('log', { name: 'Messages' });
}

/** The stored message in the room's log whose text holds `text`. */
export function messageWith(page: Page, text: string): Locator {
  return messageLog(page).getByTestId('message').filter({ hasText: text });
}

export function messageTexts(page: Page): Locator {
  return messageLog(page).getByTestId('message').getByTestId('message-text');
}

export function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message' });
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** Waits until every message on screen is stored (none pending or failed). */
export async function expectAllSent(page: Page, count: number): Promise<void> {
  await expect(messageLog(page).locator('[data-testid="message"][data-status="sent"]')).toHaveCount(count);
}

/** "New direct message", search the other person by username, pick them: the DM opens. */
export async function openDirectMessage(from: Person, to: Person): Promise<void> {
  const { page } = from;
  await page.getByRole('button', { name: 'New direct message' }).click();
  const dialog = page.getByRole('dialog', { name: 'New direct message' });
  const search = dialog.getByRole('textbox', { name: 'Search people' });
  await expect(search).toBeFocused();
  await search.fill(to.username);
  await dialog.getByRole('button', { name: new RegExp(`@${escapeRegExp(to.username)}`) }).click();
  await page.waitForURL(/\/chat\?room=/);
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(escapeRegExp(to.displayName)) })).toBeVisible();
}

/** Waits for the server's answer to `room:read` up to `seq`, which the UI does not show. */
export async function waitForReadAck(person: Person, seq: number): Promise<void> {
  await expect.poll(() => person.frames.some((f) => f.includes(`"readSeq":${seq}`)), { timeout: 10_000 }).toBe(true);
}

// ---------- the socket's wire, under the test's control ----------

export interface SocketWire {
  /** Drops the next server→client event of this name (a frame lost in transit). */
  dropNextEvent(event: string): void;
  /** Drops the next ack of a `message:send` (the server stored it; the answer got lost). */
  dropNextSendAck(): void;
  /** Cuts the connection and refuses new ones until `restore`. */
  cutOff(): Promise<void>;
  restore(): void;
  readonly dropped: string[];
}

/**
 * Puts this person's Socket.IO traffic through the test (Playwright's routeWebSocket) and
 * reloads the page so the socket is opened through it. Frames pass unchanged unless the
 * test asks for one to be lost or for the line to be cut.
 */
export async function interceptSocket(person: Person): Promise<SocketWire> {
  let blocked = false;
  const eventDrops: string[] = [];
  let sendAckDrops = 0;
  const dropped: string[] = [];
  const live = new Set<{ close: () => Promise<void> }>();

  // Long-polling is the fallback transport: it must be cut off too.
  await person.context.route(/\/socket\.io\//, (route) => (blocked ? route.abort() : route.fallback()));
  await person.context.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (blocked) {
      void ws.close();
      return;
    }
    const server = ws.connectToServer();
    const pair = {
      close: async () => {
        await ws.close().catch(() => undefined);
        await server.close().catch(() => undefined);
      },
    };
    live.add(pair);
    ws.onClose(() => {
      live.delete(pair);
      void server.close().catch(() => undefined);
    });
    server.onClose(() => {
      live.delete(pair);
      void ws.close().catch(() => undefined);
    });
    ws.onMessage((frame) => server.send(frame));
    server.onMessage((frame) => {
      if (typeof frame === 'string') {
        const i = eventDrops.findIndex((event) => frame.startsWith(`42["${event}"`));
        if (i >= 0) {
          eventDrops.splice(i, 1);
          dropped.push(frame);
          return;
        }
        if (sendAckDrops > 0 && /^43\d+\[\{"ok":true,"message":/.test(frame)) {
          sendAckDrops -= 1;
          dropped.push(frame);
          return;
        }
      }
      ws.send(frame);
    });
  });

  await person.page.reload();
  await expect(roomNav(person.page)).toBeVisible();
  return {
    dropNextEvent: (event) => void eventDrops.push(event),
    dropNextSendAck: () => void (sendAckDrops += 1),
    cutOff: async () => {
      blocked = true;
      await Promise.all([...live].map((pair) => pair.close()));
    },
    restore: () => {
      blocked = false;
    },
    dropped,
  };
}

/** The WCAG 2.1 A and AA rules axe checks the page against, as painted (contrast included). */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const COLOUR_SCHEMES = ['light', 'dark'] as const;

export async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = violations.flatMap((v) =>
    v.nodes.map(
      (node) =>
        `  ${v.id} (${v.impact ?? 'n/a'}) at ${node.target.join(' ')}: ${node.failureSummary?.split('\n').join(' ') ?? ''}\n    ${v.helpUrl}`,
    ),
  );
  expect(found, `axe: ${violations.length} rule(s) broken on ${where}:\n${found.join('\n')}`).toEqual([]);
}
