import type { Browser, Page } from '@playwright/test';
import { expect, messageLog, messageTexts, roomLink, roomNav, sendMessage, test, type Person } from './fixtures';

/*
 * Moving around: the quick switcher (Ctrl+K) over rooms and people, Alt+↑/↓ along the
 * sidebar and Alt+Shift+↑/↓ to the next unread room, and a person's profile card with their
 * local time.
 */

const stamp = () => Date.now().toString(36);

function roomHeading(page: Page, name: string | RegExp) {
  return page.getByRole('heading', { level: 1, name });
}

async function createChannel(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New channel' }).click();
  const create = page.getByRole('dialog', { name: 'New channel' });
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(roomHeading(page, name)).toBeVisible();
}

function switcher(page: Page) {
  return page.getByRole('dialog', { name: 'Jump to a conversation' });
}

async function openSwitcher(page: Page) {
  await page.keyboard.press('Control+K');
  await expect(switcher(page)).toBeVisible();
  const field = switcher(page).getByRole('combobox', { name: 'Find a room or person' });
  await expect(field).toBeFocused();
  return field;
}

/** Signs someone up, as the fixtures do, in a browser set to another time zone. */
async function signUpIn(browser: Browser, baseURL: string, timezoneId: string, label: string, displayName: string): Promise<Person> {
  const username = `${label}_${stamp()}${process.pid.toString(36)}`.toLowerCase().slice(0, 32);
  const password = `pw-${username}-secret`;
  const context = await browser.newContext({ baseURL, timezoneId, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/register');
  await page.getByRole('textbox', { name: 'Username' }).fill(username);
  await page.getByRole('textbox', { name: 'Display name' }).fill(displayName);
  await page.getByLabel('Password').fill(password);
  // The app tells the server its time zone once it is signed in.
  const savedZone = page.waitForResponse((r) => r.url().endsWith('/api/v1/users/me') && r.request().method() === 'PATCH');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL('**/chat');
  await expect(roomNav(page)).toBeVisible();
  expect((await savedZone).status()).toBe(200);
  return { username, password, displayName, context, page, frames: [] };
}

test('Ctrl+K finds rooms and people; Alt+arrows walk the sidebar and its unread rooms', async ({ alice, bob }) => {
  const { page } = alice;
  const id = stamp();
  const [apple, berry, cherry] = ['apple', 'berry', 'cherry'].map((fruit) => `nav-${fruit}-${id}`) as [string, string, string];
  // Created in this order, newest first in the sidebar: cherry, berry, apple.
  for (const name of [apple, berry, cherry]) await createChannel(page, name);

  // Part of a room's name, Enter: that room opens.
  const field = await openSwitcher(page);
  await field.fill('bery');
  await expect(switcher(page).getByRole('option').first()).toContainText(berry);
  await expect(switcher(page).getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await field.press('Enter');
  await expect(switcher(page)).toBeHidden();
  await expect(roomHeading(page, berry)).toBeVisible();

  // Alt+↓ is the room below in the sidebar, Alt+↑ the one above; typed from the composer.
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(roomHeading(page, apple)).toBeVisible();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(roomHeading(page, berry)).toBeVisible();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(roomHeading(page, cherry)).toBeVisible();
  await expect(page).toHaveURL(/\/chat\?room=/);

  // With nothing typed, the rooms opened last come first; Escape closes.
  await openSwitcher(page);
  await expect(switcher(page).getByRole('option')).toHaveText([new RegExp(cherry), new RegExp(berry), new RegExp(apple)]);
  await page.keyboard.press('Escape');
  await expect(switcher(page)).toBeHidden();

  // Someone I have never written to is found by the server's search; choosing them opens a direct message.
  const again = await openSwitcher(page);
  await again.fill(bob.username);
  const bobOption = switcher(page).getByRole('option', { name: /Bob/ });
  await expect(bobOption).toContainText('New message');
  await bobOption.click();
  await expect(roomHeading(page, /Bob/)).toBeVisible();

  // Back to a channel with the arrows pointing down the list, and Bob writes in the direct room.
  const toCherry = await openSwitcher(page);
  await toCherry.fill('cherry');
  await toCherry.press('Enter');
  await expect(roomHeading(page, cherry)).toBeVisible();
  await roomLink(bob.page, 'Alice').click();
  await sendMessage(bob.page, 'Are you there?');
  await expect(roomLink(page, 'Bob')).toHaveAccessibleName(/1 unread/);

  // Alt+Shift+↓ goes to the next room with unread messages, past the read ones in between.
  await page.keyboard.press('Alt+Shift+ArrowDown');
  await expect(roomHeading(page, /Bob/)).toBeVisible();
  await expect(messageTexts(page)).toHaveText(['Are you there?']);
  // Nothing else is unread: it stays.
  await page.keyboard.press('Alt+Shift+ArrowDown');
  await expect(page.getByRole('status').filter({ hasText: 'No other conversation has unread messages.' })).toBeAttached();
  await expect(roomHeading(page, /Bob/)).toBeVisible();

  // What matches no room can be looked for in the messages: the last entry hands it to search.
  const words = await openSwitcher(page);
  await words.fill('there');
  const searchEntry = switcher(page).getByRole('option', { name: 'Search messages for “there”' });
  await searchEntry.click();
  await expect(switcher(page)).toBeHidden();
  const search = page.getByRole('dialog', { name: 'Search messages' });
  await expect(search.getByRole('searchbox', { name: 'Search messages' })).toHaveValue('there');
  await expect(search.getByRole('button', { name: /Are you there\?/ })).toHaveCount(1);
  await page.keyboard.press('Escape');
  await expect(search).toBeHidden();
});

test("clicking a name shows the person's profile card with their local time, and Message opens a direct room", async ({
  alice,
  browser,
  baseURL,
}) => {
  const tokyo = await signUpIn(browser, baseURL!, 'Asia/Tokyo', 'kenji', 'Kenji');
  try {
    const name = `nav-cards-${stamp()}`;
    await createChannel(alice.page, name);
    await tokyo.page.getByRole('button', { name: 'Browse channels' }).click();
    const browse = tokyo.page.getByRole('dialog', { name: 'Browse channels' });
    await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
    await browse.getByRole('button', { name: `Join ${name}` }).click();
    await sendMessage(tokyo.page, 'Good evening from Tokyo');
    await expect(messageTexts(alice.page)).toHaveText(['Good evening from Tokyo']);

    const nameButton = messageLog(alice.page).getByRole('button', { name: 'Kenji', exact: true });
    await nameButton.click();
    const card = alice.page.getByRole('dialog', { name: 'Kenji' });
    await expect(card).toBeVisible();
    await expect(card).toContainText(`@${tokyo.username}`);
    await expect(card.getByTestId('profile-status')).toHaveText('Online');
    // The time in Tokyo now (or a minute later, if the clock turned meanwhile), as en-US writes it.
    const tokyoTime = (at: Date) =>
      new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', minute: '2-digit' }).format(at);
    const now = new Date();
    const times = [tokyoTime(now), tokyoTime(new Date(now.getTime() + 60_000))].map((t) => t.replace(/\s/g, '\\s'));
    const localTime = card.getByTestId('profile-local-time');
    await expect(localTime).toHaveAttribute('data-time-zone', 'Asia/Tokyo');
    await expect(localTime).toHaveText(new RegExp(`^(\\w{3}\\s)?(${times.join('|')})`));
    await expect(card.getByRole('button', { name: 'Message' })).toBeFocused();

    // Escape closes it and gives focus back to the name.
    await alice.page.keyboard.press('Escape');
    await expect(card).toBeHidden();
    await expect(nameButton).toBeFocused();

    // The members panel opens the same card; Escape there closes the card, not the panel.
    await alice.page.getByRole('button', { name: /^Members/ }).click();
    const members = alice.page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('button', { name: /^Kenji/ }).click();
    await expect(card).toBeVisible();
    await alice.page.keyboard.press('Escape');
    await expect(card).toBeHidden();
    await expect(members).toBeVisible();

    await members.getByRole('button', { name: /^Kenji/ }).click();
    await card.getByRole('button', { name: 'Message' }).click();
    await expect(card).toBeHidden();
    await expect(roomHeading(alice.page, /Kenji/)).toBeVisible();
    await expect(roomLink(alice.page, 'Kenji')).toBeVisible();
  } finally {
    await tokyo.context.close();
  }
});
