import { expect, messageLog, messageTexts, openDirectMessage, roomLink, sendMessage, test } from './fixtures';

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
