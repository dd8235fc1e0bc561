import {
  expect,
  expectAllSent,
  interceptSocket,
  messageLog,
  messageTexts,
  openDirectMessage,
  roomLink,
  sendMessage,
  test,
} from './fixtures';

/*
 * The delivery promise under a hostile network: nothing missing, nothing out of order,
 * nothing twice. The wire between one browser and the server is under the test's control.
 */
test.describe('delivery when the network misbehaves', () => {
  test('a live message lost on the way is filled in before the next one shows', async ({ alice, bob }) => {
    const wire = await interceptSocket(bob);
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'first');
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['first']);

    wire.dropNextEvent('message:new');
    await sendMessage(alice.page, 'lost on the wire');
    await expectAllSent(alice.page, 2);
    await expect.poll(() => wire.dropped.length).toBe(1);
    await sendMessage(alice.page, 'arrives after the hole');

    await expect(messageTexts(bob.page)).toHaveText(['first', 'lost on the wire', 'arrives after the hole']);
    expect(
      await messageLog(bob.page)
        .getByTestId('message')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-seq'))),
    ).toEqual(['1', '2', '3']);
  });

  test('after the connection drops, the missed messages come back in order and the banner goes', async ({ alice, bob }) => {
    const wire = await interceptSocket(bob);
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'before the outage');
    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['before the outage']);

    await wire.cutOff();
    await expect(bob.page.getByRole('status').filter({ hasText: 'Reconnecting…' })).toBeVisible();
    const missed = ['during the outage 1', 'during the outage 2', 'during the outage 3'];
    for (const text of missed) await sendMessage(alice.page, text);
    await expectAllSent(alice.page, 1 + missed.length);

    wire.restore();
    await expect(messageTexts(bob.page)).toHaveText(['before the outage', ...missed], { timeout: 30_000 });
    await expect(bob.page.getByText('Reconnecting…')).toBeHidden();
    // Still live after the catch-up.
    await sendMessage(alice.page, 'and we are back');
    await expect(messageTexts(bob.page).last()).toHaveText('and we are back');
  });

  test('a send whose answer is lost stays pending, goes again by itself, and lands exactly once', async ({ alice, bob }) => {
    const wire = await interceptSocket(alice);
    await openDirectMessage(alice, bob);
    await sendMessage(alice.page, 'hello');
    await expectAllSent(alice.page, 1);

    // The server stores the message, but neither its ack nor its broadcast reach Alice.
    wire.dropNextSendAck();
    wire.dropNextEvent('message:new');
    await sendMessage(alice.page, 'did this arrive?');
    const last = messageLog(alice.page).getByTestId('message').last();
    await expect(last).toHaveAttribute('data-status', 'pending');
    // No answer is not a refusal: after the ack timeout it goes again under its clientMsgId,
    // and the server answers with the message it already stored.
    await expect(last).toHaveAttribute('data-status', 'sent', { timeout: 25_000 });
    await expect(last.getByRole('button', { name: 'Retry' })).toHaveCount(0);
    await expectAllSent(alice.page, 2);
    await expect(messageTexts(alice.page)).toHaveText(['hello', 'did this arrive?']);

    await roomLink(bob.page, 'Alice').click();
    await expect(messageTexts(bob.page)).toHaveText(['hello', 'did this arrive?']);
    await bob.page.reload();
    await expect(messageTexts(bob.page)).toHaveText(['hello', 'did this arrive?']);
  });
});
