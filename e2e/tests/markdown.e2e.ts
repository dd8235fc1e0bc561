import { expect, expectAllSent, messageLog, openDirectMessage, roomLink, sendMessage, test } from './fixtures';

/*
 * Messages are markdown (issue #12): both people see the formatting, a highlighted code block
 * with a working copy button and a link that opens in a new tab, while raw HTML in the same
 * message stays text and runs nothing.
 */

const RAW_HTML = '<img src=x onerror=alert(1)>';

test('markdown and code blocks render for both people, and raw HTML stays text', async ({ alice, bob }) => {
  const dialogs: string[] = [];
  for (const page of [alice.page, bob.page]) {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  }
  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write']);

  await openDirectMessage(alice, bob);
  await sendMessage(
    alice.page,
    `Ship **today**: run \`npm ci\`, see [the guide](https://example.com/guide) and ${RAW_HTML}\n\`\`\`js\nconst answer = 42;\n\`\`\``,
  );
  await expectAllSent(alice.page, 1);
  await roomLink(bob.page, 'Alice').click();

  for (const page of [alice.page, bob.page]) {
    const log = messageLog(page);
    const message = log.getByTestId('message').last();
    await expect(message.locator('strong')).toHaveText('today');
    await expect(message.locator(':not(pre) > code')).toHaveText('npm ci');

    const link = message.getByRole('link', { name: 'the guide' });
    await expect(link).toHaveAttribute('href', 'https://example.com/guide');
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', 'noopener noreferrer');

    // The highlighter is its own chunk, loaded when a block is on screen.
    const block = message.locator('pre code');
    await expect(block).toHaveText('const answer = 42;');
    await expect(block.locator('.hljs-keyword')).toHaveText('const');
    await expect(block.locator('.hljs-number')).toHaveText('42');
    await expect(message.getByRole('button', { name: 'Copy code' })).toBeVisible();

    await expect(message.getByText(RAW_HTML)).toBeVisible();
    await expect(log.locator('img')).toHaveCount(0);
  }

  const copy = messageLog(alice.page).getByRole('button', { name: 'Copy code' });
  await copy.click();
  await expect(messageLog(alice.page).getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe('const answer = 42;');
  // The label comes back, so the next copy says so again.
  await expect(copy).toBeVisible({ timeout: 5_000 });
  await bob.page.screenshot({ path: test.info().outputPath('markdown.png') });

  expect(dialogs).toEqual([]);
});

test('a long message is cut to a few lines with "Show more", and opens in full', async ({ alice, bob }) => {
  await openDirectMessage(alice, bob);
  const lines = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
  await sendMessage(alice.page, lines.join('\n'));
  await sendMessage(alice.page, 'short');
  await expectAllSent(alice.page, 2);

  const long = messageLog(alice.page).getByTestId('message').nth(0);
  const short = messageLog(alice.page).getByTestId('message').nth(1);
  const more = long.getByRole('button', { name: 'Show more' });
  await expect(more).toHaveAttribute('aria-expanded', 'false');
  await expect(short.getByRole('button', { name: /Show (more|less)/ })).toHaveCount(0);
  // Collapsed, the text is all there (find and screen readers get it) but not all shown.
  await expect(long.getByTestId('message-text')).toHaveText(lines.join('\n'));
  const body = long.locator('.message__text');
  const shown = () => body.evaluate((el) => ({ client: el.clientHeight, scroll: el.scrollHeight }));
  const collapsed = await shown();
  expect(collapsed.scroll).toBeGreaterThan(collapsed.client + 100);

  await more.click();
  const less = long.getByRole('button', { name: 'Show less' });
  await expect(less).toHaveAttribute('aria-expanded', 'true');
  const expanded = await shown();
  expect(expanded.client).toBeGreaterThanOrEqual(expanded.scroll);

  await less.click();
  await expect(long.getByRole('button', { name: 'Show more' })).toHaveAttribute('aria-expanded', 'false');
});
