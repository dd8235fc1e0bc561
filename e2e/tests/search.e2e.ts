import { request, type APIRequestContext } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { expect, messageLog, openDirectMessage, roomLink, test, type Person } from './fixtures';

/*
 * Search in the app, as a daily user does it: a word from far back in a busy conversation,
 * found from the search panel with the word highlighted, and a click that opens the
 * conversation at that message, with the messages around it, from where it pages down to
 * the newest without a gap or a repeat.
 */

/** How many messages follow the one searched for: far more than a page (50). */
const AFTER = 200;

/** A second connection of the person's, from the test itself: hundreds of messages are sent here, not typed. */
async function connectAs(api: APIRequestContext, baseURL: string, person: Person): Promise<Socket> {
  const login = await api.post('/api/v1/auth/login', { data: { username: person.username, password: person.password } });
  expect(login.status()).toBe(200);
  const { accessToken } = (await login.json()) as { accessToken: string };
  const socket = io(baseURL, { auth: { token: accessToken }, transports: ['websocket'], reconnection: false, forceNew: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

type SendAck = { ok: boolean; message?: { seq: number }; error?: { code: string; retryAfterMs?: number } };

/** Sends one message and waits for its ack; a RATE_LIMITED answer is waited out and sent again with the same id. */
async function send(socket: Socket, roomId: string, clientMsgId: string, content: string): Promise<number> {
  for (;;) {
    const ack = (await socket.timeout(10_000).emitWithAck('message:send', { roomId, clientMsgId, content })) as SendAck;
    if (ack.ok && ack.message) return ack.message.seq;
    if (ack.error?.code !== 'RATE_LIMITED') throw new Error(`send refused: ${JSON.stringify(ack)}`);
    await new Promise((r) => setTimeout(r, Math.max(50, ack.error?.retryAfterMs ?? 200)));
  }
}

test.describe('search', () => {
  test('a word from 200 messages back is found, highlighted, and opens in context; the view pages down to the newest', async ({
    alice,
    bob,
    baseURL,
  }, testInfo) => {
    test.setTimeout(240_000);
    await openDirectMessage(alice, bob);
    const roomId = new URL(alice.page.url()).searchParams.get('room')!;
    const word = `zanzibar${Date.now().toString(36)}`;

    const api = await request.newContext({ baseURL });
    const socket = await connectAs(api, baseURL!, alice);
    try {
      await send(socket, roomId, 'before', 'the message before it');
      const needleSeq = await send(socket, roomId, 'needle', `meet me at the ${word} gate at noon`);
      for (let i = 1; i <= AFTER; i++) await send(socket, roomId, `after-${i}`, `filler message ${i}`);

      // Bob has not opened the conversation: nothing of it is loaded in his page.
      const { page } = bob;
      await expect(roomLink(page, 'Alice')).toBeVisible();
      await page.locator('body').press('/');
      const dialog = page.getByRole('dialog', { name: 'Search messages' });
      const box = dialog.getByRole('searchbox', { name: 'Search messages' });
      await expect(box).toBeFocused();
      await box.fill(word);

      // Grouped by room, the word marked in the snippet (a <mark> the page made, not HTML from the server).
      const group = dialog.getByRole('region', { name: 'Alice' });
      const hit = group.getByRole('button', { name: new RegExp(`Alice .*meet me at the ${word} gate`) });
      await expect(hit).toHaveCount(1);
      await expect(hit.locator('mark')).toHaveText(word);
      await testInfo.attach('search results', { body: await page.screenshot(), contentType: 'image/png' });

      // The highlight is brief: every message that gets it is noted as it happens.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { highlighted: string[] }).highlighted = seen;
        new MutationObserver((changes) => {
          for (const c of changes)
            if (c.target instanceof HTMLElement && c.target.classList.contains('message--highlight')) seen.push(c.target.dataset.seq ?? '');
        }).observe(document.body, { subtree: true, attributeFilter: ['class'] });
      });

      // By keyboard: down into the results, Enter opens the hit.
      await box.press('ArrowDown');
      await expect(hit).toBeFocused();
      await hit.press('Enter');
      await expect(dialog).toBeHidden();
      await page.waitForURL(new RegExp(`room=${roomId}`));

      const log = messageLog(page);
      const at = (seq: number) => log.locator(`[data-testid="message"][data-seq="${seq}"]`);
      await expect(at(needleSeq)).toContainText(word);
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { highlighted: string[] }).highlighted))
        .toEqual([String(needleSeq)]);
      for (const seq of [needleSeq - 1, needleSeq, needleSeq + 1]) await expect(at(seq)).toBeInViewport();
      await expect(at(needleSeq - 1)).toContainText('the message before it');
      await expect(at(needleSeq + 1)).toContainText('filler message 1');
      await expect(log.getByText(`filler message ${AFTER}`, { exact: true })).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Jump to latest ↓' })).toBeVisible();
      await testInfo.attach('opened at the message', { body: await page.screenshot(), contentType: 'image/png' });

      // Paging down, as a reader scrolling does, until the newest message is in.
      const newest = log.getByText(`filler message ${AFTER}`, { exact: true });
      await expect
        .poll(
          async () => {
            await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
            return newest.count();
          },
          { timeout: 60_000, intervals: [300] },
        )
        .toBe(1);
      await expect(page.getByRole('button', { name: 'Jump to latest ↓' })).toBeHidden();
      const seqsOnScreen = async () =>
        (await log.getByTestId('message').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))))) as number[];
      const seqs = await seqsOnScreen();
      const first = seqs[0]!;
      expect(seqs).toEqual(Array.from({ length: needleSeq + AFTER - first + 1 }, (_, i) => first + i));

      // Joined to the live end: the next message comes straight in after the last, once.
      await send(socket, roomId, 'live', 'after the join');
      await expect(log.getByText('after the join', { exact: true })).toHaveCount(1);
      const after = await seqsOnScreen();
      expect(after.slice(-2)).toEqual([needleSeq + AFTER, needleSeq + AFTER + 1]);
    } finally {
      socket.disconnect();
      await api.dispose();
    }
  });
});
