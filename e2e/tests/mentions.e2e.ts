import type { Page } from '@playwright/test';
import { composer, expect, messageLog, openDirectMessage, roomLink, test } from './fixtures';

/*
 * Mentions and being told (issue #12): an @mention picked from the autocomplete reaches the
 * person mentioned as a desktop notification while their tab is hidden, and as an "@" badge
 * in their room list and the tab's title. The browser's real Notification is used, with the
 * permission granted to the context; a spy around its constructor records what was shown
 * (headless Chromium draws no notification anyone could look at).
 */

declare global {
  interface Window {
    __shown: { title: string; body: string | undefined }[];
    __shownNotifications: Notification[];
  }
}

async function recordNotifications(page: Page) {
  await page.addInitScript(() => {
    window.__shown = [];
    window.__shownNotifications = [];
    const Real = window.Notification;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        window.__shown.push({ title, body: options?.body });
        super(title, options);
        window.__shownNotifications.push(this);
      }
    } as typeof Notification;
  });
}

/** The page as the browser shows it when another tab is in front. */
async function hideTab(page: Page) {
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

test('an @mention autocompletes; the person mentioned, tab hidden, gets a desktop notification, an "@" badge and a title count', async ({
  alice,
  bob,
}) => {
  await bob.context.grantPermissions(['notifications']);
  await recordNotifications(bob.page);
  await bob.page.reload();
  await openDirectMessage(alice, bob);
  await expect(roomLink(bob.page, 'Alice')).toBeVisible();
  await hideTab(bob.page);

  // Alice: "@Bo" offers Bob (keyboard: Enter picks), and the name goes into the text.
  await composer(alice.page).pressSequentially('hey @Bo');
  const option = alice.page.getByRole('option', { name: /Bob/ });
  await expect(option).toBeVisible();
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await alice.page.keyboard.press('Enter');
  await expect(composer(alice.page)).toHaveValue('hey @Bob ');
  await expect(alice.page.getByRole('listbox', { name: 'People to mention' })).toBeHidden();
  await composer(alice.page).pressSequentially('can you look?');
  await composer(alice.page).press('Enter');
  // Sent as a reference, shown as the name.
  await expect(messageLog(alice.page).getByTestId('message-text')).toContainText(['hey @Bob can you look?']);

  await expect.poll(() => bob.page.evaluate(() => window.__shown)).toEqual([{ title: 'Alice', body: 'hey @Bob can you look?' }]);
  await expect(roomLink(bob.page, 'Alice')).toHaveAccessibleName(/1 mention/);
  await expect(bob.page).toHaveTitle('(1) @ Quantum Chat');

  // A click on the notification brings the person to the room, where it is read.
  await bob.page.evaluate(() => window.__shownNotifications[0]!.onclick?.(new Event('click')));
  await bob.page.waitForURL(/\/chat\?room=/);
  await expect(bob.page.getByRole('heading', { level: 1, name: /Alice/ })).toBeVisible();
  await expect(messageLog(bob.page).getByTestId('message-text')).toContainText(['hey @Bob can you look?']);
});

test('a room set to "Nothing" stays quiet: no notification, no count in the title', async ({ alice, bob }) => {
  await bob.context.grantPermissions(['notifications']);
  await recordNotifications(bob.page);
  await bob.page.reload();
  await openDirectMessage(alice, bob);
  await roomLink(bob.page, 'Alice').click();
  await bob.page.getByRole('button', { name: 'Notifications' }).click();
  const dialog = bob.page.getByRole('dialog', { name: 'Notifications' });
  await dialog.getByRole('radio', { name: /Nothing/ }).check();
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(bob.page.getByRole('button', { name: 'Notifications (muted)' })).toBeVisible();
  await bob.page
    .getByRole('link', { name: 'Back to rooms' })
    .click()
    .catch(() => undefined);
  await bob.page.goto('/chat');
  await hideTab(bob.page);

  await composer(alice.page).fill('are you there?');
  await composer(alice.page).press('Enter');
  await expect(roomLink(bob.page, 'Alice')).toHaveAccessibleName(/muted/);
  await expect(roomLink(bob.page, 'Alice')).toHaveAccessibleName(/1 unread/);
  // Give a notification the time it would have taken, then check none came.
  await bob.page.waitForTimeout(1500);
  expect(await bob.page.evaluate(() => window.__shown)).toEqual([]);
  await expect(bob.page).toHaveTitle('Quantum Chat');
});

test('a draft with an @mention, restored after a reload, still mentions the person when sent', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);
  await composer(alice.page).pressSequentially('@Bo');
  await alice.page.getByRole('option', { name: /Bob/ }).click();
  await composer(alice.page).pressSequentially('after the reload');
  await expect(composer(alice.page)).toHaveValue('@Bob after the reload');

  // The draft is written a moment after typing stops; then the page goes.
  await expect.poll(() => alice.page.evaluate(() => Object.keys(localStorage).some((k) => k.startsWith('qc:drafts:')))).toBe(true);
  await alice.page.reload();
  await expect(composer(alice.page)).toHaveValue('@Bob after the reload');
  await composer(alice.page).press('Enter');

  // Sent as Bob's reference: a mention chip carrying his id, and a mention on his side.
  const chip = messageLog(alice.page).getByTestId('message-text').locator('.mention');
  await expect(chip).toHaveText('@Bob');
  await expect(chip).toHaveAttribute('data-user-id', /.+/);
  await expect(roomLink(bob.page, 'Alice')).toHaveAccessibleName(/1 mention/);
  // Sent: nothing of the draft or its mentions is left to come back.
  await alice.page.reload();
  await expect(composer(alice.page)).toHaveValue('');
  expect(await alice.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('qc:draft-mentions:')))).toEqual([]);
});
