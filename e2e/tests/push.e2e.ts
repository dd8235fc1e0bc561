import { request, type APIRequestContext } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { expect, messageLog, openDirectMessage, test, type Person } from './fixtures';

/*
 * Web Push in Chromium, as far as a machine with no route to a browser's push service
 * allows (subscribing needs Google's FCM; the server side is proven against a test push
 * service in the api specs):
 *  - the app's service worker, delivered a push through the DevTools protocol exactly as the
 *    browser delivers one from its push service, shows it as a notification;
 *  - the address such a notification opens (/chat?room=&message=&seq=) shows the room
 *    scrolled to that message, far back in its history.
 */

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

type SendAck = { ok: boolean; message?: { id: string; seq: number }; error?: { code: string; retryAfterMs?: number } };

async function send(socket: Socket, roomId: string, clientMsgId: string, content: string) {
  for (;;) {
    const ack = (await socket.timeout(10_000).emitWithAck('message:send', { roomId, clientMsgId, content })) as SendAck;
    if (ack.ok && ack.message) return ack.message;
    if (ack.error?.code !== 'RATE_LIMITED') throw new Error(`send refused: ${JSON.stringify(ack)}`);
    await new Promise((r) => setTimeout(r, Math.max(50, ack.error?.retryAfterMs ?? 200)));
  }
}

test.describe('push', () => {
  test('the service worker shows a push delivered to it as a notification, one per room (the newest replaces the last)', async ({
    alice,
    baseURL,
  }) => {
    const { page, context } = alice;
    await context.grantPermissions(['notifications'], { origin: baseURL! });
    const sw = await page.request.get('/sw.js');
    expect(sw.status()).toBe(200);
    expect(sw.headers()['content-type']).toMatch(/javascript/);
    expect(sw.headers()['cache-control']).toBe('no-cache');

    // Settings offer it per device (this page is a secure context: localhost).
    await page.goto('/settings');
    const group = page.getByRole('group', { name: 'Notifications when the app is closed' });
    await expect(group.getByRole('checkbox', { name: 'Notify me on this device when the app is closed' })).not.toBeChecked();
    await expect(group.getByRole('checkbox', { name: /Hide message text/ })).toBeDisabled();

    const cdp = await context.newCDPSession(page);
    await cdp.send('ServiceWorker.enable');
    const registered = new Promise<string>((resolve) => {
      cdp.on(
        'ServiceWorker.workerRegistrationUpdated',
        (e: { registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] }) => {
          const r = e.registrations.find((x) => x.scopeURL === `${baseURL}/` && !x.isDeleted);
          if (r) resolve(r.registrationId);
        },
      );
    });
    await page.evaluate(async () => {
      await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
    });
    const registrationId = await registered;
    const payload = (n: number) =>
      JSON.stringify({
        v: 1,
        roomId: '01a20792-8333-7000-85fe-754887c65700',
        messageId: `01a20792-8333-7000-85fe-75488700000${n}`,
        seq: n,
        title: 'Bob',
        body: `lunch at ${n}?`,
        sender: 'Bob',
        mention: true,
        url: `/chat?room=01a20792-8333-7000-85fe-754887c65700&message=01a20792-8333-7000-85fe-75488700000${n}&seq=${n}`,
      });
    for (const n of [1, 2]) await cdp.send('ServiceWorker.deliverPushMessage', { origin: baseURL!, registrationId, data: payload(n) });
    const shown = () =>
      page.evaluate(async () => {
        const reg = await navigator.serviceWorker.ready;
        return (await reg.getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          url: (n.data as { url: string }).url,
        }));
      });
    await expect.poll(shown).toEqual([
      {
        title: 'Bob',
        body: 'lunch at 2?',
        tag: 'room:01a20792-8333-7000-85fe-754887c65700',
        url: '/chat?room=01a20792-8333-7000-85fe-754887c65700&message=01a20792-8333-7000-85fe-754887000002&seq=2',
      },
    ]);
  });

  test("a notification's address opens the room at its message, far back, with the messages around it", async ({ alice, bob, baseURL }) => {
    test.setTimeout(180_000);
    await openDirectMessage(alice, bob);
    const roomId = new URL(alice.page.url()).searchParams.get('room')!;
    const api = await request.newContext({ baseURL });
    const socket = await connectAs(api, baseURL!, alice);
    try {
      await send(socket, roomId, 'before', 'the message before it');
      const target = await send(socket, roomId, 'target', 'the one the notification was about');
      for (let i = 1; i <= 80; i++) await send(socket, roomId, `after-${i}`, `later message ${i}`);
      const { page } = bob;
      await page.goto(`/chat?room=${roomId}&message=${target.id}&seq=${target.seq}`);
      const log = messageLog(page);
      const at = (seq: number) => log.locator(`[data-testid="message"][data-seq="${seq}"]`);
      await expect(at(target.seq)).toContainText('the one the notification was about');
      await expect(at(target.seq)).toBeInViewport();
      await expect(at(target.seq - 1)).toContainText('the message before it');
      await expect(log.getByText('later message 80', { exact: true })).toHaveCount(0);
      // The address goes back to the room's own, so a reload does not jump again.
      await expect(page).toHaveURL(new RegExp(`/chat\\?room=${roomId}$`));
    } finally {
      socket.disconnect();
      await api.dispose();
    }
  });
});
