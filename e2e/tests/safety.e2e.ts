import { expect, expectAllSent, messageLog, messageTexts, openDirectMessage, roomLink, sendMessage, test } from './fixtures';

test('message text is shown as text, and only http(s) URLs become links', async ({ alice, bob }) => {
  const dialogs: string[] = [];
  for (const page of [alice.page, bob.page]) {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }

  const markup = '<img src=x onerror=alert(1)>';
  const script = 'javascript:alert(document.cookie)';
  const withLink = 'docs at https://example.com/guide?a=1&b=2. thanks';
  await openDirectMessage(alice, bob);
  await sendMessage(alice.page, markup);
  await sendMessage(alice.page, script);
  await sendMessage(alice.page, withLink);

  await roomLink(bob.page, 'Alice').click();
  for (const page of [alice.page, bob.page]) {
    const log = messageLog(page);
    await expect(messageTexts(page)).toHaveText([markup, script, withLink]);
    await expect(log.locator('img[src="x"]')).toHaveCount(0);
    await expect(log.locator('a[href^="javascript:"]')).toHaveCount(0);
    // Exactly one link: the https one, opening in a new tab without a handle on this page.
    await expect(log.getByRole('link')).toHaveCount(1);
    const link = log.getByRole('link', { name: 'https://example.com/guide?a=1&b=2' });
    await expect(link).toHaveAttribute('href', 'https://example.com/guide?a=1&b=2');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', /noopener/);
    await expect(link).toHaveAttribute('rel', /noreferrer/);
  }
  expect(dialogs).toEqual([]);
});

test('a right-to-left override in a message stays inside it', async ({ alice, bob }) => {
  // Shows as "exe.png"; unisolated, the override would also turn around what follows it on the line.
  const spoof = '\u202egnp.exe';
  await openDirectMessage(alice, bob);
  await sendMessage(alice.page, spoof);
  await sendMessage(alice.page, `first line\n${spoof}`);
  await expectAllSent(alice.page, 2);
  await expect(messageTexts(alice.page)).toHaveText([spoof, `first line\n${spoof}`]);

  // My messages in a direct room end with a receipt tick: it must stay right of the text, after
  // the override, not be pulled to its left. Checked on the last line (a line break ends isolation).
  const messages = messageLog(alice.page).getByTestId('message');
  for (const i of [0, 1]) {
    const message = messages.nth(i);
    const lastLine = message.getByTestId('message-text').locator('bdi').last();
    const tick = message.locator('[data-receipt]');
    await expect(tick).toBeVisible();
    const [text, mark] = [await lastLine.boundingBox(), await tick.boundingBox()];
    expect(text && mark && mark.x >= text.x + text.width - 1, `tick at ${mark?.x}, text ends at ${text && text.x + text.width}`).toBe(true);
  }
  // Every line of a message is its own isolate.
  await expect(messages.nth(1).getByTestId('message-text').locator('bdi')).toHaveCount(2);
});
