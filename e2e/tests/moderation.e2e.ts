import { expect, messageLog, messageTexts, sendMessage, test } from './fixtures';

/*
 * A channel's owner moderating, in Chromium as the two people see it: the owner mutes a member
 * for 10 minutes with a reason from the members panel; the member's composer says why and
 * until when, and will not send; the owner removes the member's message, which both see as
 * removed by a moderator.
 */

test.describe.configure({ timeout: 180_000 });

test("an owner mutes a member for 10 minutes and removes their message; the member sees why, until when, and 'Removed by a moderator'", async ({
  alice,
  bob,
}, testInfo) => {
  const name = `calm-${Date.now().toString(36)}`;
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
  await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
  await browse.getByRole('button', { name: `Join ${name}` }).click();
  await expect(bob.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await sendMessage(bob.page, 'SHOUTING IN ALL CAPS');
  await expect(messageTexts(alice.page)).toHaveText(['SHOUTING IN ALL CAPS']);

  // On the message itself the owner finds "Moderate author" (the same dialog); Bob, on the owner's, does not.
  const loud = messageLog(alice.page).getByTestId('message').filter({ hasText: 'SHOUTING IN ALL CAPS' });
  await loud.hover();
  await loud.getByRole('button', { name: 'Moderate author' }).click();
  const fromMessage = alice.page.getByRole('dialog', { name: /Moderate .*Bob/ });
  await expect(fromMessage.getByRole('radio', { name: 'Ban' })).toBeVisible();
  await fromMessage.getByRole('button', { name: 'Cancel' }).click();
  await expect(fromMessage).toBeHidden();
  await sendMessage(alice.page, 'keep it down please');
  const ownerSays = messageLog(bob.page).getByTestId('message').filter({ hasText: 'keep it down please' });
  await ownerSays.hover();
  await expect(ownerSays.getByRole('button', { name: 'Report message' })).toBeVisible();
  await expect(ownerSays.getByRole('button', { name: 'Moderate author' })).toHaveCount(0);

  // The owner mutes Bob from the members panel, with a reason.
  await alice.page.getByRole('button', { name: /^Members/ }).click();
  await alice.page.getByRole('button', { name: 'Moderate Bob' }).click();
  const dialog = alice.page.getByRole('dialog', { name: /Moderate .*Bob/ });
  await expect(dialog.getByRole('radio', { name: 'Mute' })).toBeChecked();
  await dialog.getByRole('combobox', { name: 'For how long' }).selectOption({ label: '10 minutes' });
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('please stop shouting');
  await testInfo.attach('moderate dialog', { body: await alice.page.screenshot(), contentType: 'image/png' });
  await dialog.getByRole('button', { name: 'Mute' }).click();
  await expect(dialog).toBeHidden();

  // Bob is told at once, in his composer, and cannot send.
  const notice = bob.page.getByTestId('moderator-mute');
  await expect(notice).toContainText('A moderator muted you in this room until');
  await expect(notice).toContainText('please stop shouting');
  const until = await notice.locator('time').getAttribute('datetime');
  expect(Math.abs(Date.parse(until!) - Date.now() - 10 * 60_000)).toBeLessThan(60_000);
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).not.toBeEditable();
  await expect(bob.page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();
  await expect(bob.page.getByRole('button', { name: 'Attach files' })).toBeDisabled();
  await testInfo.attach('muted composer', { body: await bob.page.screenshot(), contentType: 'image/png' });

  // After a reload too: the mute comes with the room.
  await bob.page.reload();
  await expect(bob.page.getByTestId('moderator-mute')).toContainText('please stop shouting');

  // The owner removes Bob's message; both see who removed it.
  const shouted = messageLog(alice.page).getByTestId('message').filter({ hasText: 'SHOUTING IN ALL CAPS' });
  await shouted.hover();
  await shouted.getByRole('button', { name: 'Delete message' }).click();
  await alice.page.getByRole('dialog', { name: 'Delete message' }).getByRole('button', { name: 'Delete' }).click();
  for (const page of [alice.page, bob.page]) await expect(messageTexts(page)).toHaveText(['Removed by a moderator', 'keep it down please']);
});

test('an owner slows a channel down, then locks it read-only: the member is told under and over the composer, and a second quick message waits', async ({
  alice,
  bob,
}) => {
  const name = `pace-${Date.now().toString(36)}`;
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
  await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
  await browse.getByRole('button', { name: `Join ${name}` }).click();
  await expect(bob.page.getByRole('heading', { level: 1, name })).toBeVisible();

  // Slow mode from the channel's edit dialog, with a reason.
  await alice.page.getByRole('button', { name: 'Add a topic' }).click();
  const edit = alice.page.getByRole('dialog', { name: 'Edit channel' });
  await edit.getByRole('combobox', { name: 'Slow mode' }).selectOption({ label: 'One message every 30 s' });
  await edit.getByRole('textbox', { name: 'Why the pace changes' }).fill('heated debate');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();

  // Bob is told live; his first message goes, the next quick one is refused and says so.
  await expect(bob.page.getByTestId('slow-mode')).toHaveText('Slow mode is on: one message every 30 s.');
  await sendMessage(bob.page, 'first thought');
  await expect(messageTexts(alice.page)).toContainText(['first thought']);
  await sendMessage(bob.page, 'second thought');
  await expect(bob.page.locator('.message--failed')).toContainText('slow mode is on in this room');
  // The owner is not held.
  await sendMessage(alice.page, 'owner one');
  await sendMessage(alice.page, 'owner two');
  await expect(messageTexts(bob.page)).toContainText(['first thought', 'owner one', 'owner two']);

  // Locked read-only: Bob's composer says so and will not send.
  await alice.page.getByRole('button', { name: 'Add a topic' }).click();
  await edit.getByRole('checkbox', { name: /Read-only/ }).check();
  await edit.getByRole('textbox', { name: 'Why the pace changes' }).fill('announcements only');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(bob.page.getByTestId('room-locked')).toHaveText('This room is read-only: only its moderators can post.');
  await expect(bob.page.getByRole('textbox', { name: 'Message' })).not.toBeEditable();
});
