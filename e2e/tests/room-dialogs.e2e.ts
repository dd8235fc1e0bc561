import type { Page } from '@playwright/test';
import { expect, roomLink, roomNav, test } from './fixtures';

/*
 * Issue #12's polish in the room dialogs: a channel name that is taken (in any case) is said
 * by the name field, creating and renaming; leaving and deleting a room ask in the page, not
 * with the browser's confirm(); a channel's history starts with its intro.
 */

const stamp = () => Date.now().toString(36);
/** A room's name in a sentence is bidi-isolated (invisible U+2068 … U+2069 around it). */
const isolated = (name: string) => `[\u2068]?${name}[\u2069]?`;

async function newChannel(page: Page, name: string, topic?: string) {
  await page.getByRole('button', { name: 'New channel' }).click();
  const dialog = page.getByRole('dialog', { name: 'New channel' });
  await dialog.getByRole('textbox', { name: 'Channel name' }).fill(name);
  if (topic) await dialog.getByRole('textbox', { name: 'Topic (optional)' }).fill(topic);
  await dialog.getByRole('button', { name: 'Create channel' }).click();
  return dialog;
}

// Two people sign up through the UI first: on a busy machine that alone takes a minute.
test.describe.configure({ timeout: 180_000 });

test('a taken channel name, in any case, is said by the name field when creating and when renaming', async ({ alice }) => {
  const { page } = alice;
  const name = `Plans-${stamp()}`;
  await newChannel(page, name, 'Where we plan things');
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const intro = page.getByTestId('room-intro');
  await expect(intro).toContainText(`This is the very beginning of #${name}.`);
  await expect(intro).toContainText('Topic: Where we plan things');
  await expect(intro).toContainText('Created by you on');

  const twin = await newChannel(page, name.toUpperCase());
  const field = twin.getByRole('textbox', { name: 'Channel name' });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/already exists/);
  await expect(field).toBeFocused();
  await expect(roomNav(page).getByRole('link', { name: new RegExp(name, 'i') })).toHaveCount(1);
  // Typing clears it; a free name goes through.
  const other = `other-${stamp()}`;
  await field.fill(other);
  await expect(field).not.toHaveAttribute('aria-invalid');
  await twin.getByRole('button', { name: 'Create channel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: other })).toBeVisible();

  await page.getByRole('button', { name: 'Add a topic' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit channel' });
  const nameField = edit.getByRole('textbox', { name: 'Name' });
  await nameField.fill(` ${name.toLowerCase()} `);
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(nameField).toHaveAttribute('aria-invalid', 'true');
  await expect(nameField).toHaveAccessibleDescription(/already exists/);
  await edit.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { level: 1, name: other })).toBeVisible();
});

test('leaving and deleting ask in the page: Escape cancels, focus stays in the question, the answer is carried out', async ({
  alice,
  bob,
}) => {
  const nativeDialogs: string[] = [];
  for (const p of [alice.page, bob.page])
    p.on('dialog', (d) => {
      nativeDialogs.push(d.message());
      void d.dismiss();
    });

  const name = `goodbyes-${stamp()}`;
  await newChannel(alice.page, name);
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
  await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
  await browse.getByRole('button', { name: `Join ${name}` }).click();
  await expect(bob.page.getByRole('heading', { level: 1, name })).toBeVisible();
  // Bob did not make it: his intro names who did.
  await expect(bob.page.getByTestId('room-intro')).toContainText('Created by Alice on');

  // Bob leaves, after saying no once.
  await bob.page.getByRole('button', { name: /^Members/ }).click();
  await bob.page.getByRole('button', { name: 'Leave channel' }).click();
  const leave = bob.page.getByRole('dialog', { name: new RegExp(`^Leave #${isolated(name)}\\?$`) });
  await expect(leave).toBeVisible();
  await expect(leave).toHaveAccessibleDescription(/stop getting its messages/);
  await expect(leave.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await bob.page.keyboard.press('Escape');
  await expect(leave).toBeHidden();
  await expect(roomLink(bob.page, name)).toBeVisible();
  await bob.page.getByRole('button', { name: 'Leave channel' }).click();
  await leave.getByRole('button', { name: 'Leave channel' }).click();
  await bob.page.waitForURL(/\/chat$/);
  await expect(roomLink(bob.page, name)).toHaveCount(0);

  // Alice deletes it; Tab keeps to the question while it is open.
  await alice.page.getByRole('button', { name: /^Members/ }).click();
  await alice.page.getByRole('button', { name: 'Delete channel' }).click();
  const del = alice.page.getByRole('dialog', { name: new RegExp(`^Delete #${isolated(name)}\\?$`) });
  await expect(del).toHaveAccessibleDescription(/deleted for everyone .* can't be undone/);
  const confirm = del.getByRole('button', { name: 'Delete channel' });
  await expect(confirm).toHaveClass(/button--danger/);
  for (let i = 0; i < 4; i++) {
    await alice.page.keyboard.press('Tab');
    expect(await del.evaluate((d) => d.contains(document.activeElement)), `Tab ${i + 1} left the dialog`).toBe(true);
  }
  await confirm.click();
  await alice.page.waitForURL(/\/chat$/);
  await expect(roomLink(alice.page, name)).toHaveCount(0);

  expect(nativeDialogs, 'no browser confirm()').toEqual([]);
});
