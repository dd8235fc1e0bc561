import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { COLOUR_SCHEMES, expect, expectNoAxeViolations, messageLog, messageTexts, sendMessage, test } from './fixtures';

/*
 * Reports as cases, end to end in Chromium (issue #14 item 9): a member reports a message; a
 * moderator (made with npm run admin) opens the case on /admin, sees the evidence, mutes the
 * sender for 10 minutes with a reason; the muted person's composer says until when and will
 * not send; the audit log lists the mute; the reporter is told the outcome and finds it in
 * Settings. Screenshots of the dashboard pages are attached to the run.
 */

test.describe.configure({ timeout: 240_000 });

/** A full-page screenshot kept under test-results (the note names these files) and attached to the report. */
async function shot(page: Page, name: string) {
  const file = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await test.info().attach(name, { path: file, contentType: 'image/png' });
}

test('a member reports a message; a moderator opens the case, sees the evidence and mutes the sender; the reporter is told', async ({
  alice,
  bob,
  signUpPerson,
}, testInfo) => {
  const mod = await signUpPerson('mod', 'Morgan');
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/admin.mjs'), 'grant', mod.username, 'moderator'], {
    env: { ...process.env, QC_DATA_DIR: process.env.QC_E2E_DATA_DIR! },
    stdio: 'pipe',
  });

  // Alice's channel; Bob joins and is rude there.
  const name = `lounge-${Date.now().toString(36)}`;
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await sendMessage(alice.page, 'welcome everyone');
  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
  await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
  await browse.getByRole('button', { name: `Join ${name}` }).click();
  await expect(bob.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await sendMessage(bob.page, 'you are all idiots');
  await sendMessage(alice.page, 'that is not ok');
  await expect(messageTexts(alice.page)).toHaveText(['welcome everyone', 'you are all idiots', 'that is not ok']);

  // Alice reports Bob's message from its toolbar (her own message offers no Report).
  const rude = messageLog(alice.page).getByTestId('message').filter({ hasText: 'you are all idiots' });
  await rude.hover();
  await rude.getByRole('button', { name: 'Report message' }).click();
  const report = alice.page.getByRole('dialog', { name: 'Report message' });
  await report.getByRole('radio', { name: 'Harassment or bullying' }).check();
  await report.getByRole('textbox', { name: /Anything the moderators should know/ }).fill('he does this every day');
  await testInfo.attach('report dialog', { body: await alice.page.screenshot(), contentType: 'image/png' });
  await report.getByRole('button', { name: 'Report' }).click();
  const sent = alice.page.getByRole('dialog', { name: 'Report sent' });
  await expect(sent).toContainText('The moderators will look at it');
  await sent.getByRole('button', { name: 'Done' }).click();
  const mine = messageLog(alice.page).getByTestId('message').filter({ hasText: 'welcome everyone' });
  await mine.hover();
  await expect(mine.getByRole('button', { name: 'Report message' })).toHaveCount(0);

  // The moderator (no member of the channel) opens the case on /admin: the queue, then the evidence.
  await mod.page.reload();
  await mod.page.getByRole('link', { name: 'Admin' }).click();
  await mod.page.waitForURL('**/admin');
  // The overview first: people online, the last hour's messages (the channel's among them),
  // the engines, and the open case, which leads to the queue.
  await expect(mod.page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible();
  await expect(mod.page.getByTestId('stat-online').locator('dd')).toHaveText(/^[1-9]\d*$/);
  await expect(mod.page.getByTestId('stat-messages').locator('dd')).toHaveText(/^[1-9]\d*$/);
  await expect(mod.page.getByTestId('messages-chart')).toHaveAttribute('aria-label', /messages? in the last hour/);
  await expect(mod.page.getByTestId('health-checks')).toContainText('database');
  await expect(mod.page.getByTestId('health-status')).toContainText(/ok|degraded/);
  await shot(mod.page, 'admin-overview');
  for (const scheme of COLOUR_SCHEMES) {
    await mod.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(mod.page, `/admin overview (${scheme})`);
  }
  // At tablet width (iPad portrait) the page fits: nothing runs off the side.
  const desktop = mod.page.viewportSize()!;
  await mod.page.setViewportSize({ width: 768, height: 1024 });
  for (const tab of ['Overview', 'Cases', 'People', 'Audit log', 'Rules']) {
    await mod.page.getByRole('button', { name: tab, exact: true }).click();
    const overflow = await mod.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${tab} at 768 px wide`).toBeLessThanOrEqual(0);
  }
  await mod.page.getByRole('button', { name: 'Overview', exact: true }).click();
  await shot(mod.page, 'admin-overview-tablet');
  await mod.page.setViewportSize(desktop);
  await mod.page.getByTestId('stat-cases').getByRole('button').click();
  const row = mod.page.getByTestId('case-row').filter({ hasText: 'Bob' });
  await expect(row).toContainText('Harassment or bullying');
  await expect(row).toContainText(`#${name}`);
  await shot(mod.page, 'admin-cases-queue');
  for (const scheme of COLOUR_SCHEMES) {
    await mod.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(mod.page, `/admin cases (${scheme})`);
  }
  await row.getByRole('button').click();
  await expect(mod.page.getByRole('heading', { level: 2, name: 'Case: reported 1 time' })).toBeVisible();
  const evidence = mod.page.getByRole('list', { name: 'The reported message and the conversation around it' });
  await expect(evidence.getByRole('listitem')).toHaveCount(3);
  await expect(mod.page.getByTestId('reported-message')).toContainText('you are all idiots');
  await expect(evidence).toContainText('welcome everyone');
  await expect(evidence).toContainText('that is not ok');
  await expect(mod.page.getByText('he does this every day')).toBeVisible();
  await mod.page.getByRole('button', { name: 'Assign to me' }).click();
  await expect(mod.page.getByText('assigned to Morgan')).toBeVisible();
  for (const scheme of COLOUR_SCHEMES) {
    await mod.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(mod.page, `/admin case page (${scheme})`);
  }
  await mod.page.emulateMedia({ colorScheme: 'light' });

  // One click with a reason: mute Bob for 10 minutes.
  await mod.page.getByRole('radio', { name: 'Mute the author' }).check();
  await mod.page.getByRole('combobox', { name: 'For how long' }).selectOption({ label: '10 minutes' });
  await mod.page.getByRole('textbox', { name: 'Reason' }).fill('insulting the channel');
  await shot(mod.page, 'admin-case-page');
  await mod.page.getByRole('button', { name: 'Take action and close the case' }).click();
  await expect(mod.page.getByRole('status').filter({ hasText: 'Actioned by Morgan' })).toBeVisible();
  await expect(mod.page.getByTestId('case-log').filter({ hasText: 'member.mute' })).toContainText('insulting the channel');

  // Bob: his composer says until when, and will not send.
  const notice = bob.page.getByTestId('moderator-mute');
  await expect(notice).toContainText('A moderator muted you in this room until');
  await expect(notice).toContainText('insulting the channel');
  const until = await notice.locator('time').getAttribute('datetime');
  expect(Math.abs(Date.parse(until!) - Date.now() - 10 * 60_000)).toBeLessThan(60_000);
  await expect(bob.page.getByRole('button', { name: 'Send', exact: true })).toBeDisabled();

  // Alice is told, live, and finds it in Settings.
  await expect(alice.page.locator('.toast')).toContainText('A moderator reviewed a message you reported and took action');
  await alice.page.goto('/settings');
  await expect(alice.page.getByTestId('my-report')).toContainText('A moderator took action');
  await expect(alice.page.getByTestId('my-report')).toContainText(`#${name}`);

  // The audit log lists the mute.
  await mod.page.getByRole('button', { name: 'Audit log' }).click();
  const mute = mod.page.getByTestId('audit-entry').filter({ hasText: 'member.mute' });
  await expect(mute).toContainText('insulting the channel');
  // Names, not ids: who did it, to whom, where.
  await expect(mute).toContainText(`Bob (@${bob.username})`);
  await expect(mute).toContainText(`Morgan (@${mod.username})`);
  await expect(mute).toContainText(`#${name}`);
  await shot(mod.page, 'admin-audit-after-case');

  // Bob's page: the channel with his mute, and his latest messages there.
  await mod.page.getByRole('button', { name: 'People', exact: true }).click();
  await mod.page.getByRole('textbox', { name: 'Username or name' }).fill(bob.username);
  await mod.page.getByRole('button', { name: 'Find' }).click();
  await mod.page
    .getByTestId('person-row')
    .filter({ hasText: `@${bob.username}` })
    .getByRole('button', { name: 'Bob', exact: true })
    .click();
  await expect(mod.page.getByTestId('person-profile')).toContainText(`@${bob.username}`);
  const inChannel = mod.page.getByTestId('person-rooms').getByRole('row').filter({ hasText: name });
  await expect(inChannel).toContainText('member');
  await expect(inChannel).not.toContainText('–');
  await expect(mod.page.getByTestId('person-messages')).toContainText('you are all idiots');
  for (const scheme of COLOUR_SCHEMES) {
    await mod.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(mod.page, `/admin person page (${scheme})`);
  }
  await shot(mod.page, 'admin-person-page');
});

test('a moderator disables an account from People: the person is signed out at once and told why on sign-in; enabled, they are back', async ({
  bob,
  signUpPerson,
}) => {
  const mod = await signUpPerson('mod', 'Morgan');
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/admin.mjs'), 'grant', mod.username, 'moderator'], {
    env: { ...process.env, QC_DATA_DIR: process.env.QC_E2E_DATA_DIR! },
    stdio: 'pipe',
  });
  await mod.page.goto('/admin');
  await mod.page.getByRole('button', { name: 'People' }).click();
  await mod.page.getByRole('textbox', { name: 'Username or name' }).fill(bob.username);
  await mod.page.getByRole('button', { name: 'Find' }).click();
  const row = mod.page.getByTestId('person-row').filter({ hasText: `@${bob.username}` });
  await expect(row).toContainText('Active');
  for (const scheme of COLOUR_SCHEMES) {
    await mod.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(mod.page, `/admin people (${scheme})`);
  }
  await shot(mod.page, 'admin-people');

  await row.getByRole('button', { name: 'Disable Bob' }).click();
  const dialog = mod.page.getByRole('dialog', { name: /Disable account/ });
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('spam wave');
  await dialog.getByRole('button', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled: spam wave');

  // Bob's open app loses its session at once and lands on sign-in; signing in says why.
  await bob.page.waitForURL('**/login**', { timeout: 15_000 });
  await bob.page.getByRole('textbox', { name: 'Username' }).fill(bob.username);
  await bob.page.getByLabel('Password').fill(bob.password);
  await bob.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(bob.page.getByRole('alert').filter({ hasText: 'disabled' })).toContainText(
    "this account was disabled by the instance's staff (spam wave)",
  );

  await row.getByRole('button', { name: 'Enable Bob' }).click();
  const enable = mod.page.getByRole('dialog', { name: /Enable account/ });
  await enable.getByRole('textbox', { name: 'Reason' }).fill('appeal accepted');
  await enable.getByRole('button', { name: 'Enable' }).click();
  await expect(row).toContainText('Active');
  await bob.page.getByRole('button', { name: 'Sign in' }).click();
  await bob.page.waitForURL('**/chat');
});
