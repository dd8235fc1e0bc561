import {
  composer,
  expect,
  expectAllSent,
  interceptSocket,
  messageLog,
  messageTexts,
  openDirectMessage,
  roomLink,
  sendMessage,
  test,
  type Person,
} from './fixtures';

/*
 * Offline as a person lives it: the browser says the network is gone (Playwright's offline
 * emulation), they keep writing, and it all goes out by itself, once each and in order,
 * when the network is back. Drafts outlive a reload.
 */

const OFFLINE_TEXT = "You're offline — messages will be sent when you're back";

/** `message:new` frames this person's socket received carrying `content`: each message must come exactly once. */
function newMessageFrames(person: Person, content: string): number {
  return person.frames.filter((f) => f.startsWith('42["message:new"') && f.includes(`"content":${JSON.stringify(content)}`)).length;
}

test.describe('offline', () => {
  test('the banner shows at once; messages written offline wait, then reach the other person once each, in order', async ({
    alice,
    bob,
  }) => {
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'before going offline');
    await expectAllSent(alice.page, 1);
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['before going offline']);

    await alice.context.setOffline(true);
    const banner = alice.page.getByRole('status').filter({ hasText: OFFLINE_TEXT });
    // "At once" means from the browser's offline event, not after a socket timeout (those run
    // 20 s and more); 5 s leaves room for a busy CI machine to paint.
    await expect(banner).toBeVisible({ timeout: 5_000 });

    const written = ['written offline 1', 'written offline 2'];
    for (const text of written) await sendMessage(alice.page, text);
    const mine = messageLog(alice.page).getByTestId('message');
    await expect(messageTexts(alice.page)).toHaveText(['before going offline', ...written]);
    for (const i of [1, 2]) {
      await expect(mine.nth(i)).toHaveAttribute('data-status', 'pending');
      await expect(mine.nth(i)).toContainText('Waiting for the network');
    }
    // An open WebSocket outlives the browser's offline emulation: nothing may have gone out over it.
    await alice.page.waitForTimeout(1_500);
    await expect(messageTexts(bob.page)).toHaveText(['before going offline']);
    await expect(mine.nth(2)).toHaveAttribute('data-status', 'pending');

    await alice.context.setOffline(false);
    // How soon the socket is back is the reconnect back-off's business (and the machine's);
    // this test is about what arrives: once each, in order.
    const BACK = { timeout: 30_000 };
    await expect(messageLog(alice.page).locator('[data-testid="message"][data-status="sent"]')).toHaveCount(3, BACK);
    await expect(banner).toBeHidden(BACK);
    await expect(messageTexts(alice.page)).toHaveText(['before going offline', ...written]);
    await expect(messageTexts(bob.page)).toHaveText(['before going offline', ...written], BACK);
    expect(
      await messageLog(bob.page)
        .getByTestId('message')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq'))),
    ).toEqual(['1', '2', '3']);
    expect(written.map((text) => newMessageFrames(bob, text))).toEqual([1, 1]);
    const firstAt = bob.frames.findIndex((f) => f.startsWith('42["message:new"') && f.includes('"written offline 1"'));
    const secondAt = bob.frames.findIndex((f) => f.startsWith('42["message:new"') && f.includes('"written offline 2"'));
    expect(firstAt).toBeLessThan(secondAt);

    // Stored once each: a fresh load shows the same three.
    await bob.page.reload();
    await expect(messageTexts(bob.page)).toHaveText(['before going offline', ...written]);
  });

  test('a message still waiting when the page is reloaded is sent after the reload, once, under the id it was written with', async ({
    alice,
    bob,
  }) => {
    const wire = await interceptSocket(alice);
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'hello');
    await expectAllSent(alice.page, 1);
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['hello']);

    // The server is out of reach (the page itself still loads).
    await wire.cutOff();
    const text = 'written while the server was out of reach';
    await sendMessage(alice.page, text);
    await expect(messageLog(alice.page).getByTestId('message').last()).toHaveAttribute('data-status', 'pending');
    // The outbox kept on the device names the id the message was written with.
    const keptIds = await alice.page.evaluate(() =>
      Object.keys(localStorage)
        .filter((key) => key.startsWith('qc:outbox:'))
        .flatMap((key) => (JSON.parse(localStorage.getItem(key) ?? '[]') as { clientMsgId: string }[]).map((p) => p.clientMsgId)),
    );
    expect(keptIds).toHaveLength(1);
    await alice.page.reload();
    await expect(messageTexts(alice.page)).toHaveText(['hello', text]);
    await expect(messageLog(alice.page).getByTestId('message').last()).toHaveAttribute('data-status', 'pending');

    wire.restore();
    await expect(messageLog(alice.page).getByTestId('message').last()).toHaveAttribute('data-status', 'sent', { timeout: 30_000 });
    await expect(messageTexts(bob.page)).toHaveText(['hello', text]);
    expect(newMessageFrames(bob, text)).toBe(1);
    expect(bob.frames.find((f) => f.startsWith('42["message:new"') && f.includes(JSON.stringify(text)))).toContain(
      `"clientMsgId":"${keptIds[0]}"`,
    );
    await alice.page.reload();
    await expect(messageTexts(alice.page)).toHaveText(['hello', text]);
    await expectAllSent(alice.page, 2);
  });

  test('a draft is kept per room across a reload, marked in the room list, and cleared by sending', async ({
    alice,
    bob,
    signUpPerson,
  }) => {
    const carol = await signUpPerson('carol', 'Carol');
    await openDirectMessage(alice, bob);
    await openDirectMessage(alice, carol);
    const { page } = alice;

    await composer(page).fill('a thought for Carol');
    await roomLink(page, 'Bob').click();
    await expect(composer(page)).toHaveValue('');
    await composer(page).fill('half-written for Bob');
    await expect(roomLink(page, 'Carol')).toHaveAccessibleName(/\bDraft\b/);
    await expect(roomLink(page, 'Bob')).toHaveAccessibleName(/\bDraft\b/);

    await page.reload();
    await expect(composer(page)).toHaveValue('half-written for Bob');
    await expect(roomLink(page, 'Bob')).toHaveAccessibleName(/\bDraft\b/);
    await expect(roomLink(page, 'Carol')).toHaveAccessibleName(/\bDraft\b/);

    await roomLink(page, 'Carol').click();
    await expect(composer(page)).toHaveValue('a thought for Carol');
    await composer(page).press('Enter');
    await expectAllSent(page, 1);
    await expect(composer(page)).toHaveValue('');
    await expect(roomLink(page, 'Carol')).not.toHaveAccessibleName(/\bDraft\b/);

    await page.reload();
    await expect(composer(page)).toHaveValue('');
    await expect(roomLink(page, 'Carol')).not.toHaveAccessibleName(/\bDraft\b/);
    await expect(roomLink(page, 'Bob')).toHaveAccessibleName(/\bDraft\b/);
  });
});
