import {
  composer,
  expect,
  expectAllSent,
  messageLog,
  messageTexts,
  openDirectMessage,
  roomLink,
  sendMessage,
  test,
  waitForReadAck,
} from './fixtures';

test.describe('direct messages between two people', () => {
  test('messages arrive live on both sides, in order, with typing and presence', async ({ alice, bob }) => {
    // Dialogs close with Escape.
    await alice.page.getByRole('button', { name: 'New direct message' }).click();
    await expect(alice.page.getByRole('dialog', { name: 'New direct message' })).toBeVisible();
    await alice.page.keyboard.press('Escape');
    await expect(alice.page.getByRole('dialog', { name: 'New direct message' })).toBeHidden();

    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'Hi Bob!');

    // Bob never reloads: the room shows up in his list with the message counted as unread.
    const bobsLink = roomLink(bob.page, 'Alice');
    await expect(bobsLink).toHaveAccessibleName(/1 unread/);
    await bobsLink.click();
    await expect(messageTexts(bob.page)).toHaveText(['Hi Bob!']);
    await expect(bobsLink).not.toHaveAccessibleName(/unread/);

    await sendMessage(bob.page, 'Hey Alice, good to see you.');
    for (const n of [1, 2, 3, 4]) await sendMessage(alice.page, `burst ${n}`);
    await sendMessage(bob.page, 'That was quick.');

    const expected = ['Hi Bob!', 'Hey Alice, good to see you.', 'burst 1', 'burst 2', 'burst 3', 'burst 4', 'That was quick.'];
    await expect(messageTexts(alice.page)).toHaveText(expected);
    await expect(messageTexts(bob.page)).toHaveText(expected);
    await expectAllSent(alice.page, expected.length);
    await expectAllSent(bob.page, expected.length);
    // The same seq order on both screens, with no gaps.
    const seqs = expected.map((_, i) => String(i + 1));
    for (const page of [alice.page, bob.page]) {
      await expect(messageLog(page).getByTestId('message')).toHaveCount(expected.length);
      expect(
        await messageLog(page)
          .getByTestId('message')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq'))),
      ).toEqual(seqs);
    }

    // Typing shows on the other side, and goes away when the message lands.
    await composer(bob.page).pressSequentially('Let me think', { delay: 40 });
    await expect(alice.page.getByTestId('typing-indicator')).toHaveText('Bob is typing…');
    await composer(bob.page).press('Enter');
    await expect(messageTexts(alice.page).last()).toHaveText('Let me think');
    await expect(alice.page.getByTestId('typing-indicator')).toHaveText('');

    await composer(alice.page).pressSequentially('Sure', { delay: 40 });
    await expect(bob.page.getByTestId('typing-indicator')).toHaveText('Alice is typing…');
    // Nobody sends: the indicator expires by itself.
    await expect(bob.page.getByTestId('typing-indicator')).toHaveText('', { timeout: 12_000 });

    // Presence: both online; when Bob's browser goes away Alice sees him offline.
    await expect(roomLink(alice.page, 'Bob').getByRole('img', { name: 'online' })).toBeVisible();
    await expect(roomLink(bob.page, 'Alice').getByRole('img', { name: 'online' })).toBeVisible();
    await bob.context.close();
    await expect(roomLink(alice.page, 'Bob').getByRole('img', { name: 'offline' })).toBeVisible({ timeout: 30_000 });
  });

  test('the history is there after a reload, in order', async ({ alice, bob }) => {
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'one');
    await sendMessage(alice.page, 'two');
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['one', 'two']);
    await sendMessage(bob.page, 'three');
    await sendMessage(alice.page, 'four');
    const expected = ['one', 'two', 'three', 'four'];
    await expect(messageTexts(alice.page)).toHaveText(expected);
    await expectAllSent(alice.page, expected.length);

    await alice.page.reload();
    await expect(messageTexts(alice.page)).toHaveText(expected);
    await expectAllSent(alice.page, expected.length);

    await bob.page.reload();
    await expect(messageTexts(bob.page)).toHaveText(expected);
  });

  test('someone who was away comes back to an unread badge and the missed messages in order', async ({ alice, bob, comeBack }) => {
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'before you left');
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['before you left']);
    // The read marker must reach the server before Bob's browser closes.
    await waitForReadAck(bob, 1);

    const saved = await bob.context.storageState();
    await bob.context.close();

    const missed = ['missed 1', 'missed 2', 'missed 3'];
    for (const text of missed) await sendMessage(alice.page, text);
    await expectAllSent(alice.page, 1 + missed.length);
    await expect(roomLink(alice.page, 'Bob').getByRole('img', { name: 'offline' })).toBeVisible({ timeout: 30_000 });

    const back = await comeBack(bob, saved);
    const link = roomLink(back.page, 'Alice');
    await expect(link).toHaveAccessibleName(/3 unread/);
    await expect(link.getByRole('img', { name: '3 unread' })).toBeVisible();
    await expect(roomLink(alice.page, 'Bob').getByRole('img', { name: 'online' })).toBeVisible({ timeout: 30_000 });

    await link.click();
    await expect(messageTexts(back.page)).toHaveText(['before you left', ...missed]);
    await expect(link).not.toHaveAccessibleName(/unread/);
  });
});

test('a public channel: one person creates it, another finds it, joins and talks', async ({ alice, bob }) => {
  const name = `plans-${Date.now().toString(36)}`;
  await alice.page.getByRole('button', { name: 'New channel' }).click();
  const create = alice.page.getByRole('dialog', { name: 'New channel' });
  await expect(create.getByRole('textbox', { name: 'Channel name' })).toBeFocused();
  await create.getByRole('textbox', { name: 'Channel name' }).fill(name);
  await create.getByRole('textbox', { name: 'Topic (optional)' }).fill('Where we plan things');
  await create.getByRole('button', { name: 'Create channel' }).click();
  await expect(alice.page.getByRole('heading', { level: 1, name })).toBeVisible();
  // In the header and in the channel's intro above its first message.
  await expect(alice.page.getByText('Where we plan things')).toHaveCount(2);
  await expect(alice.page.getByTestId('room-intro')).toContainText('Topic: Where we plan things');
  await sendMessage(alice.page, 'Welcome to the channel');

  await bob.page.getByRole('button', { name: 'Browse channels' }).click();
  const browse = bob.page.getByRole('dialog', { name: 'Browse channels' });
  await browse.getByRole('textbox', { name: 'Search channels' }).fill(name);
  await browse.getByRole('button', { name: `Join ${name}` }).click();
  await expect(bob.page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(messageTexts(bob.page)).toHaveText(['Welcome to the channel']);
  await expect(roomLink(bob.page, name)).toBeVisible();

  await sendMessage(bob.page, 'Glad to be here');
  await expect(messageTexts(alice.page)).toHaveText(['Welcome to the channel', 'Glad to be here']);
  await expect(alice.page.getByRole('button', { name: 'Members, 2' })).toBeVisible();

  // The owner sees both members, with presence, in the members panel.
  await alice.page.getByRole('button', { name: /^Members/ }).click();
  const members = alice.page.getByRole('complementary', { name: 'Members' });
  await expect(members.getByRole('listitem')).toHaveCount(2);
  await expect(members.getByRole('listitem').filter({ hasText: 'Bob' }).getByRole('img', { name: 'online' })).toBeVisible();
});
