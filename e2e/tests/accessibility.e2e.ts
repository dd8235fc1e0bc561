import { COLOUR_SCHEMES, composer, expect, expectAllSent, expectNoAxeViolations, messageWith, sendMessage, test } from './fixtures';

/*
 * Every page and dialog checked by axe-core (Deque's rules, not ours) against WCAG 2.1 A
 * and AA, in the light and the dark colour scheme. A page is checked once its content is
 * on screen, so the rules see what a person sees (contrast is computed on painted colours).
 */

for (const scheme of COLOUR_SCHEMES) {
  test.describe(`${scheme} colour scheme`, () => {
    test.use({ colorScheme: scheme });
    // axe walks the whole DOM after each step; on a shared, busy machine that takes a while.
    test.slow();

    test(`sign-in and register pages have no WCAG 2.1 AA violations (${scheme})`, async ({ page }) => {
      await page.goto('/login');
      await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
      await expectNoAxeViolations(page, `sign-in (${scheme})`);

      // A failed sign-in shows its error: that state is checked too.
      await page.getByRole('textbox', { name: 'Username' }).fill('nobody_here');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Inside main: the alert that belongs to the form.
      await expect(page.getByRole('main').getByRole('alert')).toBeVisible();
      await expectNoAxeViolations(page, `sign-in with an error (${scheme})`);

      await page.goto('/register');
      await expect(page.getByRole('button', { name: 'Sign up' })).toBeVisible();
      await expectNoAxeViolations(page, `register (${scheme})`);
    });

    test(`chat, thread, panels, dialogs and settings have no WCAG 2.1 AA violations (${scheme})`, async ({ alice, bob }) => {
      const { page } = alice;
      const channel = `a11y-${scheme}-${Date.now().toString(36)}`;

      // A channel with two members and the kinds of message the timeline draws.
      await page.getByRole('button', { name: 'New channel' }).click();
      const create = page.getByRole('dialog', { name: 'New channel' });
      await create.getByRole('textbox', { name: 'Channel name' }).fill(channel);
      await expectNoAxeViolations(page, `the New channel dialog (${scheme})`);
      await create.getByRole('textbox', { name: 'Topic (optional)' }).fill('Checked by axe');
      await create.getByRole('button', { name: 'Create channel' }).click();
      await expect(page.getByRole('heading', { level: 1, name: channel })).toBeVisible();
      await bob.page.getByRole('button', { name: 'Browse channels' }).click();
      const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
      await browse.getByRole('textbox', { name: 'Search channels' }).fill(channel);
      await expectNoAxeViolations(bob.page, `the Browse channels dialog (${scheme})`);
      await browse.getByRole('button', { name: `Join ${channel}` }).click();
      await expect(bob.page.getByRole('heading', { level: 1, name: channel })).toBeVisible();

      await sendMessage(bob.page, 'Morning! Standup in ten minutes.');
      await expect(messageWith(page, 'Morning!')).toBeVisible();
      await sendMessage(page, 'Release plan for Friday');
      await sendMessage(page, 'Here is the `build` log:\n```\nnpm run build\n```');
      await composer(page).pressSequentially('thanks @Bo');
      await expect(page.getByRole('option', { name: /Bob/ })).toBeVisible();
      await expectNoAxeViolations(page, `the mention autocomplete (${scheme})`);
      await page.keyboard.press('Enter');
      await composer(page).press('Enter');
      await expectAllSent(page, 4);

      // A reaction, a quote reply, a pin and a thread, so each of their marks is on screen.
      const plan = messageWith(page, 'Release plan for Friday');
      await plan.hover();
      await plan.getByRole('button', { name: 'Add reaction' }).click();
      await expectNoAxeViolations(page, `the emoji picker (${scheme})`);
      await page.keyboard.press('Escape');
      await plan.hover();
      await plan.getByRole('button', { name: 'Pin message' }).click();
      await expect(plan.getByTestId('pinned-marker')).toBeVisible();
      const morning = messageWith(bob.page, 'Morning!');
      await morning.hover();
      await morning.getByRole('button', { name: 'Reply', exact: true }).click();
      await sendMessage(bob.page, 'On my way');
      await plan.hover();
      await plan.getByRole('button', { name: 'Reply in thread' }).click();
      const thread = page.getByRole('complementary', { name: 'Thread' });
      await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('Freeze on Thursday');
      await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
      await expect(thread.getByTestId('message').filter({ hasText: 'Freeze on Thursday' })).toHaveAttribute('data-status', 'sent');
      await expect(messageWith(page, 'On my way')).toBeVisible();
      await expect(plan.getByTestId('thread-summary')).toContainText('1 reply');
      await expectNoAxeViolations(page, `the chat view with a thread open (${scheme})`);
      await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Escape');
      await expect(thread).toBeHidden();

      // Bob's side: the mention of him and others' messages, as a member sees them.
      await expect(messageWith(bob.page, 'thanks')).toBeVisible();
      await expectNoAxeViolations(bob.page, `the chat view of the other member (${scheme})`);

      await expectNoAxeViolations(page, `the chat view with messages (${scheme})`);

      await page.getByRole('button', { name: /^Members/ }).click();
      await expect(page.getByRole('complementary', { name: 'Members' }).getByRole('listitem')).toHaveCount(2);
      await expectNoAxeViolations(page, `the members panel (${scheme})`);

      await page.getByRole('button', { name: 'Pinned messages' }).click();
      await expect(page.getByRole('complementary', { name: /Pinned/ })).toBeVisible();
      await expectNoAxeViolations(page, `the pinned panel (${scheme})`);

      await page.getByRole('button', { name: /^Notifications/ }).click();
      await expect(page.getByRole('dialog', { name: /Notifications/ })).toBeVisible();
      await expectNoAxeViolations(page, `the room's Notifications dialog (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      await page.getByRole('button', { name: 'Edit', exact: true }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoAxeViolations(page, `the Edit channel dialog (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      const mine = messageWith(page, 'Release plan for Friday');
      await mine.hover();
      await mine.getByRole('button', { name: 'Delete message' }).click();
      await expect(page.getByRole('dialog')).toBeVisible();
      await expectNoAxeViolations(page, `the Delete message dialog (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toBeHidden();

      for (const name of ['New direct message', 'New group']) {
        await page.getByRole('button', { name, exact: true }).click();
        await expect(page.getByRole('dialog', { name })).toBeVisible();
        await expectNoAxeViolations(page, `the ${name} dialog (${scheme})`);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toBeHidden();
      }

      // Search: the panel with its hits (the matched word marked), then the quick switcher.
      await page.getByRole('button', { name: /^Search messages/ }).click();
      const search = page.getByRole('dialog', { name: 'Search messages' });
      await search.getByRole('searchbox', { name: 'Search messages' }).fill('Release');
      await expect(search.getByRole('button', { name: /Release plan for Friday/ })).toHaveCount(1);
      await expectNoAxeViolations(page, `the search panel with results (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(search).toBeHidden();

      await page.keyboard.press('Control+K');
      const switcher = page.getByRole('dialog', { name: 'Jump to a conversation' });
      await switcher.getByRole('combobox', { name: 'Find a room or person' }).fill('a11y');
      await expect(switcher.getByRole('option').first()).toContainText(channel);
      await expectNoAxeViolations(page, `the quick switcher (${scheme})`);
      await page.keyboard.press('Escape');
      await expect(switcher).toBeHidden();

      await page.getByRole('link', { name: 'Settings' }).click();
      await page.waitForURL('**/settings');
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expectNoAxeViolations(page, `settings (${scheme})`);
    });
  });
}
