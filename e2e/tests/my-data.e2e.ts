import { readFile } from 'node:fs/promises';
import { expect, expectAllSent, messageTexts, openDirectMessage, sendMessage, test } from './fixtures';

/*
 * Settings' "Your data" as a person uses it: download everything the product holds about
 * them (a real file, through the browser's download), then delete the account, choosing
 * what becomes of their messages, and land on the sign-in page.
 */

/** The parts of the export (MyDataExport in packages/shared) this spec reads. */
interface ExportFile {
  profile: { username: string };
  messages: { content: string }[];
}

test('download my data, then delete my account with my messages removed', async ({ alice, bob }) => {
  // Two people, a download and an account's deletion: on a busy machine this outlasts the 90 s default.
  test.slow();
  await openDirectMessage(alice, bob);
  await sendMessage(alice.page, 'a message for my export');
  await expectAllSent(alice.page, 1);
  await openDirectMessage(bob, alice);
  await sendMessage(bob.page, 'a reply that is not mine to take');
  await expect(messageTexts(alice.page)).toHaveText(['a message for my export', 'a reply that is not mine to take']);
  // Bob keeps the conversation open, and sees what happens to it.
  await expect(messageTexts(bob.page)).toHaveCount(2);

  const { page } = alice;
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL('**/settings');
  const yourData = page.getByRole('region', { name: 'Your data' });
  await expect(yourData).toBeVisible();

  const downloading = page.waitForEvent('download');
  await yourData.getByRole('button', { name: 'Download my data' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(new RegExp(`^quantum-chat-${alice.username}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
  const text = await readFile((await download.path())!, 'utf8');
  const file = JSON.parse(text) as ExportFile;
  expect(file.profile.username).toBe(alice.username);
  expect(file.messages.map((m) => m.content)).toEqual(['a message for my export']);
  expect(text).not.toContain('a reply that is not mine to take');
  expect(text).not.toContain(alice.password);
  await expect(yourData.getByRole('status')).toHaveText(/Downloaded as quantum-chat-/);

  await yourData.getByRole('button', { name: 'Delete my account…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Delete your account' });
  await expect(dialog).toBeVisible();
  // Both fates of the messages are explained before anything can be confirmed.
  const choices = dialog.getByRole('group', { name: 'What happens to your messages' });
  await expect(choices.getByRole('radio', { name: /Keep them, shown as from “Deleted user”/ })).toBeVisible();
  await expect(choices.getByRole('radio', { name: 'Remove them' })).toBeVisible();
  await expect(choices).toContainText('its text is erased');
  const confirm = dialog.getByRole('button', { name: 'Delete my account' });
  await expect(confirm).toBeDisabled();

  // A wrong password is refused, and says so; nothing happens.
  await choices.getByRole('radio', { name: 'Remove them' }).check();
  await dialog.getByLabel('Your password').fill('not my password');
  await dialog.getByRole('textbox', { name: /Type your username/ }).fill(alice.username);
  await expect(confirm).toBeEnabled();
  await confirm.click();
  await expect(dialog.getByRole('alert')).toContainText('not your password');
  await expect(messageTexts(bob.page)).toHaveText(['a message for my export', 'a reply that is not mine to take']);

  await dialog.getByLabel('Your password').fill(alice.password);
  await confirm.click();
  await page.waitForURL('**/login');
  await expect(page.getByRole('status')).toContainText('Your account was deleted');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();

  // Bob's open conversation shows the removal at once; his own message stays.
  await expect(messageTexts(bob.page)).toHaveText(['This message was deleted', 'a reply that is not mine to take']);

  // The account cannot sign in again.
  await page.getByRole('textbox', { name: 'Username' }).fill(alice.username);
  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toBeVisible();
  await page.goto('/chat');
  await page.waitForURL(/\/login/);
});
