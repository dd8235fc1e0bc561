import {
  composer,
  expect,
  expectAllSent,
  messageLog,
  messageWith,
  messageTexts,
  openDirectMessage,
  roomLink,
  sendMessage,
  test,
} from './fixtures';

/*
 * Changes to messages travel the room's one ordered stream (message:updated) and show on both
 * screens: edit, delete, reactions, and the receipts that move the ticks on my messages.
 * Written before the server side landed: see the report on feat/web-stores.
 */

test('two people edit, delete and react, and see the ticks move from delivered to read', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);
  await sendMessage(alice.page, 'Hello Bob');
  await sendMessage(alice.page, 'this has a tpyo');
  await expectAllSent(alice.page, 2);

  // Bob is online with the room closed: his device received them, he has not read them.
  await expect(messageWith(alice.page, 'Hello Bob').getByRole('img', { name: 'Delivered' })).toBeVisible();

  await roomLink(bob.page, 'Alice').click();
  await expect(messageTexts(bob.page)).toHaveText(['Hello Bob', 'this has a tpyo']);
  await expect(messageWith(alice.page, 'Hello Bob').getByRole('img', { name: 'Read' })).toBeVisible();
  await expect(messageWith(alice.page, 'this has a tpyo').getByRole('img', { name: 'Read' })).toBeVisible();

  // Edit from the toolbar: inline, Enter saves; both sides see the new text and "(edited)".
  const typo = messageWith(alice.page, 'this has a tpyo');
  await typo.hover();
  await typo.getByRole('button', { name: 'Edit message' }).click();
  const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  await editor.fill('this has no typo');
  await editor.press('Enter');
  for (const page of [alice.page, bob.page]) {
    await expect(messageTexts(page)).toHaveText(['Hello Bob', 'this has no typo']);
    await expect(messageWith(page, 'this has no typo').getByText('(edited)')).toBeVisible();
  }

  // Up in an empty composer edits my last message; Escape leaves it as it was.
  await composer(alice.page).click();
  await composer(alice.page).press('ArrowUp');
  await expect(alice.page.getByRole('textbox', { name: 'Edit message' })).toHaveValue('this has no typo');
  await alice.page.getByRole('textbox', { name: 'Edit message' }).press('Escape');
  await expect(alice.page.getByRole('textbox', { name: 'Edit message' })).toBeHidden();
  await expect(composer(alice.page)).toBeFocused();

  // Bob reacts from the picker; Alice sees the chip with his name and adds hers by clicking it.
  const hello = messageWith(bob.page, 'Hello Bob');
  await hello.hover();
  await hello.getByRole('button', { name: 'Add reaction' }).click();
  await hello.getByRole('button', { name: 'React with thumbs up' }).click();
  const alicesChip = messageWith(alice.page, 'Hello Bob').getByTestId('reaction');
  await expect(alicesChip).toHaveText('👍 1');
  await expect(alicesChip).toHaveAttribute('title', /Bob/);
  await expect(alicesChip).toHaveAttribute('aria-pressed', 'false');
  await alicesChip.click();
  await expect(alicesChip).toHaveText('👍 2');
  await expect(alicesChip).toHaveAttribute('aria-pressed', 'true');
  await expect(messageWith(bob.page, 'Hello Bob').getByTestId('reaction')).toHaveText('👍 2');
  await alicesChip.click();
  await expect(messageWith(bob.page, 'Hello Bob').getByTestId('reaction')).toHaveText('👍 1');

  // Bob cannot edit or delete Alice's message: his toolbar offers only a reaction.
  await hello.hover();
  await expect(hello.getByRole('button', { name: 'Edit message' })).toHaveCount(0);
  await expect(hello.getByRole('button', { name: 'Delete message' })).toHaveCount(0);

  // Delete asks first, then leaves a tombstone in place on both screens.
  const fixed = messageWith(alice.page, 'this has no typo');
  await fixed.hover();
  await fixed.getByRole('button', { name: 'Delete message' }).click();
  const confirm = alice.page.getByRole('dialog', { name: 'Delete message' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  for (const page of [alice.page, bob.page]) {
    await expect(messageTexts(page)).toHaveText(['Hello Bob', 'This message was deleted']);
    expect(
      await messageLog(page)
        .getByTestId('message')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq'))),
    ).toEqual(['1', '2']);
  }

  // A new message after all those changes lands in order and is read at once by Bob, who is looking.
  await sendMessage(alice.page, 'still in order');
  await expect(messageTexts(bob.page)).toHaveText(['Hello Bob', 'This message was deleted', 'still in order']);
  await expect(messageWith(alice.page, 'still in order').getByRole('img', { name: 'Read' })).toBeVisible();

  // After a reload the history carries the current state of each message.
  await bob.page.reload();
  await expect(messageTexts(bob.page)).toHaveText(['Hello Bob', 'This message was deleted', 'still in order']);
  await expect(messageWith(bob.page, 'Hello Bob').getByTestId('reaction')).toHaveText('👍 1');
});
