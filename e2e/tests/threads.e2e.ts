import { composer, expect, expectAllSent, messageWith, messageTexts, openDirectMessage, roomLink, sendMessage, test } from './fixtures';
import type { Page } from '@playwright/test';

/*
 * Replies with a quote, threads and pins, between two people. Threads take the room's seq
 * like any message but show in the thread panel, not the main timeline; the root's reply
 * count and a pin travel as message:updated. Written before the threads server landed on
 * this branch: not yet run (see the report on feat/web-threads).
 */

function threadPanel(page: Page) {
  return page.getByRole('complementary', { name: 'Thread' });
}

test('two people reply with a quote, talk in a thread and pin a message', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);
  await sendMessage(alice.page, 'Lunch at noon?');
  await sendMessage(alice.page, 'Release plan for Friday');
  await expectAllSent(alice.page, 2);
  await roomLink(bob.page, 'Alice').click();
  await expect(messageTexts(bob.page)).toHaveText(['Lunch at noon?', 'Release plan for Friday']);

  // Bob replies to the first message with a quote; Escape would cancel, sending carries it.
  const lunch = messageWith(bob.page, 'Lunch at noon?');
  await lunch.hover();
  await lunch.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(bob.page.getByTestId('replying-to')).toContainText('Replying to Alice: Lunch at noon?');
  await sendMessage(bob.page, 'Yes, see you there');
  await expect(bob.page.getByTestId('replying-to')).toBeHidden();
  for (const page of [alice.page, bob.page]) {
    await expect(messageWith(page, 'Yes, see you there').getByTestId('quote')).toContainText('Lunch at noon?');
  }
  // The quote goes to the original.
  await messageWith(alice.page, 'Yes, see you there')
    .getByRole('button', { name: /Go to the message from/ })
    .click();
  // The reply quotes the text too, so the original is the first of the two that contain it.
  await expect(messageWith(alice.page, 'Lunch at noon?').first()).toHaveClass(/message--highlight/);

  // Alice starts a thread under the release plan; Bob answers in it.
  const plan = messageWith(alice.page, 'Release plan for Friday');
  await plan.hover();
  await plan.getByRole('button', { name: 'Reply in thread' }).click();
  const alicesThread = threadPanel(alice.page);
  await expect(alicesThread).toBeVisible();
  await alicesThread.getByRole('textbox', { name: 'Reply in thread' }).fill('Freeze on Thursday');
  await alicesThread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
  await expect(alicesThread.getByTestId('message').filter({ hasText: 'Freeze on Thursday' })).toHaveAttribute('data-status', 'sent');

  // The count shows under the root on both sides; the reply is not in the main timeline.
  for (const page of [alice.page, bob.page]) {
    await expect(messageWith(page, 'Release plan for Friday').getByTestId('thread-summary')).toContainText('1 reply');
    await expect(messageTexts(page)).toHaveText(['Lunch at noon?', 'Release plan for Friday', 'Yes, see you there']);
  }

  await messageWith(bob.page, 'Release plan for Friday').getByTestId('thread-summary').click();
  const bobsThread = threadPanel(bob.page);
  await expect(bobsThread.getByTestId('message-text')).toHaveText(['Release plan for Friday', 'Freeze on Thursday']);
  await bobsThread.getByRole('textbox', { name: 'Reply in thread' }).fill('Works for me');
  await bobsThread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');

  await expect(alicesThread.getByTestId('message-text')).toHaveText(['Release plan for Friday', 'Freeze on Thursday', 'Works for me']);
  for (const page of [alice.page, bob.page]) {
    await expect(messageWith(page, 'Release plan for Friday').getByTestId('thread-summary')).toContainText('2 replies');
    await expect(messageTexts(page)).toHaveText(['Lunch at noon?', 'Release plan for Friday', 'Yes, see you there']);
  }

  // Escape closes the thread; the room's composer is the one left.
  await bobsThread.getByRole('textbox', { name: 'Reply in thread' }).press('Escape');
  await expect(bobsThread).toBeHidden();
  await expect(composer(bob.page)).toBeVisible();

  // Alice pins the plan; Bob sees the marker and finds it in the pinned list.
  await plan.hover();
  await plan.getByRole('button', { name: 'Pin message' }).click();
  await expect(messageWith(bob.page, 'Release plan for Friday').getByTestId('pinned-marker')).toBeVisible();
  await bob.page.getByRole('button', { name: 'Pinned messages' }).click();
  const pinned = bob.page.getByRole('complementary', { name: 'Pinned messages' });
  await expect(pinned.getByTestId('pinned-item')).toHaveCount(1);
  await expect(pinned.getByTestId('pinned-item')).toContainText('Release plan for Friday');
  await pinned.getByTestId('pinned-item').click();
  await expect(messageWith(bob.page, 'Release plan for Friday')).toHaveClass(/message--highlight/);

  // After a reload the history still leaves the thread replies out and carries the count and the pin.
  await bob.page.reload();
  await expect(messageTexts(bob.page)).toHaveText(['Lunch at noon?', 'Release plan for Friday', 'Yes, see you there']);
  await expect(messageWith(bob.page, 'Release plan for Friday').getByTestId('thread-summary')).toContainText('2 replies');
  await expect(messageWith(bob.page, 'Release plan for Friday').getByTestId('pinned-marker')).toBeVisible();
});
