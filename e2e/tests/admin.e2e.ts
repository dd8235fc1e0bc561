import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  COLOUR_SCHEMES,
  expect,
  expectNoAxeViolations,
  messageLog,
  messageWith,
  openDirectMessage,
  roomLink,
  sendMessage,
  test,
} from './fixtures';

/*
 * The admin dashboard in Chromium: the first admin made with `npm run admin` beside the running
 * server; /admin shows them the audit log and the word rules; a rule they add (checked first
 * in the test box) blocks a member's message, who is told which rule; a spam rule they set
 * keeps a new account's link out; a member who opens
 * /admin is told it is not for them (and the server refuses every call anyway).
 */

test.describe.configure({ timeout: 180_000 });

test("an admin made by npm run admin reads the audit log, adds a word rule that blocks a member's message; a member is kept out", async ({
  alice,
  bob,
}, testInfo) => {
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/admin.mjs'), 'grant', alice.username, 'admin'], {
    env: { ...process.env, QC_DATA_DIR: process.env.QC_E2E_DATA_DIR! },
    stdio: 'pipe',
  });
  await openDirectMessage(alice, bob);

  // The role arrives with the next session: a reload, and the sidebar offers Admin.
  await alice.page.reload();
  await alice.page.getByRole('link', { name: 'Admin' }).click();
  await alice.page.waitForURL('**/admin');
  await expect(alice.page.getByRole('heading', { level: 1, name: 'Admin' })).toBeVisible();
  // The overview opens first; the audit log is a tab along.
  await expect(alice.page.getByRole('heading', { level: 2, name: 'Overview' })).toBeVisible();
  await alice.page.getByRole('button', { name: 'Audit log' }).click();
  const grant = alice.page.getByTestId('audit-entry').filter({ hasText: 'user.grant-role' });
  await expect(grant).toContainText('the server');
  await expect(grant).toContainText('npm run admin');
  await testInfo.attach('admin-audit-log', { body: await alice.page.screenshot({ fullPage: true }), contentType: 'image/png' });

  // Export: a CSV download of the same log.
  const download = alice.page.waitForEvent('download');
  await alice.page.getByRole('button', { name: 'Export CSV' }).click();
  expect((await download).suggestedFilename()).toMatch(/^quantum-chat-audit-.*\.csv$/);

  // Word rules: test a text first, add the rule, test again.
  await alice.page.getByRole('button', { name: 'Rules', exact: true }).click();
  const text = alice.page.getByRole('textbox', { name: 'Text' });
  await text.fill('casino night on friday');
  await alice.page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(alice.page.getByTestId('rule-test-result')).toHaveText('It passes every rule.');
  await alice.page.getByRole('textbox', { name: 'Name' }).fill('no gambling');
  await alice.page.getByRole('textbox', { name: /Words, separated by commas/ }).fill('casino, poker');
  await alice.page.getByRole('button', { name: 'Add rule' }).click();
  await expect(alice.page.getByTestId('word-rule')).toContainText('no gambling');
  await alice.page.getByRole('button', { name: 'Test', exact: true }).click();
  await expect(alice.page.getByTestId('rule-test-result')).toHaveText('Blocked by "no gambling" (matched "casino")');
  await testInfo.attach('admin-word-rules', { body: await alice.page.screenshot({ fullPage: true }), contentType: 'image/png' });
  // Both sections pass WCAG 2.1 AA in both colour schemes.
  for (const scheme of COLOUR_SCHEMES) {
    await alice.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(alice.page, `/admin word rules (${scheme})`);
    await alice.page.getByRole('button', { name: 'Audit log' }).click();
    await expect(alice.page.getByTestId('audit-entry').first()).toBeVisible();
    await expectNoAxeViolations(alice.page, `/admin audit log (${scheme})`);
    await alice.page.getByRole('button', { name: 'Rules', exact: true }).click();
  }

  // Bob's message meets it: refused, and he is told which rule.
  await roomLink(bob.page, 'Alice').click();
  await sendMessage(bob.page, 'anyone for CASINO night?');
  await expect(bob.page.locator('.message--failed')).toContainText('blocked by the rule "no gambling"');

  // Spam rules: links only from accounts older than 10 minutes (Bob's is new), with a reason.
  const spam = alice.page.getByTestId('spam-rules');
  await spam.getByRole('textbox', { name: /post links after/ }).fill('10');
  await spam.getByRole('textbox', { name: 'Reason for the change' }).fill('link spam from new accounts');
  await spam.getByRole('button', { name: 'Save spam rules' }).click();
  await expect(spam.getByRole('status')).toContainText('Saved');
  await testInfo.attach('admin-spam-rules', { body: await spam.screenshot(), contentType: 'image/png' });
  await sendMessage(bob.page, 'great deals at https://example.com/deal');
  await expect(bob.page.locator('.message--failed').last()).toContainText('links from new accounts');
  // Off again (every spec shares this server, and others post links from new accounts): the link goes.
  await spam.getByRole('textbox', { name: /post links after/ }).fill('0');
  await spam.getByRole('textbox', { name: 'Reason for the change' }).fill('raid over');
  await spam.getByRole('button', { name: 'Save spam rules' }).click();
  await expect(spam.getByRole('status')).toContainText('Saved');
  await sendMessage(bob.page, 'the docs are at https://example.com/docs');
  await expect(messageLog(bob.page).getByTestId('message').filter({ hasText: 'the docs are at' })).toHaveAttribute('data-status', 'sent');

  // Bob is no admin: the page says so.
  await bob.page.goto('/admin');
  await expect(bob.page.getByText("This page is for the instance's admins and moderators.")).toBeVisible();
});

test('an admin finds a channel on Rooms, sees its people, archives it (the member is told at once), brings it back and deletes it', async ({
  alice,
  bob,
}, testInfo) => {
  execFileSync(process.execPath, [path.resolve(__dirname, '../../scripts/admin.mjs'), 'grant', alice.username, 'admin'], {
    env: { ...process.env, QC_DATA_DIR: process.env.QC_E2E_DATA_DIR! },
    stdio: 'pipe',
  });
  const name = `plaza-${Date.now().toString(36)}`;
  await alice.page.reload();
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
  await sendMessage(bob.page, 'hello plaza');

  await alice.page.getByRole('link', { name: 'Admin' }).click();
  await alice.page.getByRole('button', { name: 'Rooms', exact: true }).click();
  await alice.page.getByRole('textbox', { name: 'Room name' }).fill(name);
  await alice.page.getByRole('button', { name: 'Find' }).click();
  const row = alice.page.getByTestId('room-row').filter({ hasText: name });
  await expect(row).toContainText('channel');
  await expect(row).toContainText('open');
  await row.getByRole('button').click();
  const members = alice.page.getByTestId('room-members');
  await expect(members.getByRole('row').filter({ hasText: `@${bob.username}` })).toContainText('member');
  await expect(members.getByRole('row').filter({ hasText: `@${alice.username}` })).toContainText('owner');
  for (const scheme of COLOUR_SCHEMES) {
    await alice.page.emulateMedia({ colorScheme: scheme });
    await expectNoAxeViolations(alice.page, `/admin room page (${scheme})`);
  }

  // Archived: Bob, with the channel open, is told at once and cannot post.
  await alice.page.getByRole('button', { name: 'Archive' }).click();
  const archive = alice.page.getByRole('dialog', { name: /^Archive #/ });
  await archive.getByRole('textbox', { name: 'Reason' }).fill('the event is over');
  await archive.getByRole('button', { name: 'Archive' }).click();
  await expect(alice.page.getByTestId('room-summary')).toContainText('archived');
  await expect(bob.page.getByTestId('room-locked')).toContainText('This room is archived');
  // Its messages stay as they are: Bob's own can be deleted, not edited, reacted to or pinned.
  const hello = messageWith(bob.page, 'hello plaza');
  await hello.hover();
  await expect(hello.getByRole('button', { name: 'Delete message' })).toBeVisible();
  for (const kept of ['Edit message', 'Add reaction', 'Pin message', 'Reply']) {
    await expect(hello.getByRole('button', { name: kept, exact: true })).toHaveCount(0);
  }
  await testInfo.attach('admin-room-page', { body: await alice.page.screenshot({ fullPage: true }), contentType: 'image/png' });

  await alice.page.getByRole('button', { name: 'Bring back' }).click();
  const back = alice.page.getByRole('dialog', { name: /^Bring back #/ });
  await back.getByRole('textbox', { name: 'Reason' }).fill('by popular demand');
  await back.getByRole('button', { name: 'Bring back' }).click();
  await expect(bob.page.getByTestId('room-locked')).toHaveCount(0);
  await hello.hover();
  await expect(hello.getByRole('button', { name: 'Edit message' })).toBeVisible();
  await sendMessage(bob.page, 'we are back');

  // Deleted: gone from Bob's sidebar.
  await alice.page.getByRole('button', { name: 'Delete room' }).click();
  const del = alice.page.getByRole('dialog', { name: /^Delete #/ });
  await del.getByRole('textbox', { name: 'Reason' }).fill('spam ring');
  await del.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(alice.page.getByRole('heading', { level: 2, name: 'Rooms' })).toBeVisible();
  await expect(roomLink(bob.page, name)).toHaveCount(0);
});
