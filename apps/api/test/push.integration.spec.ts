import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MyRoom, PushDevice, PushPayload, VapidPublicKey } from '@qc/shared';
import { startTestPushService, type TestPushService } from '@qc/core/testing';
import { ApiHarness, call, sleep, type TestUser } from './support/api-harness';

/*
 * Web Push on the real api (embedded profile, its notifier in the background): the routes a
 * browser uses, and pushes reaching a push service on loopback that verifies the VAPID JWT
 * and decrypts each payload with the device's keys.
 */

let h: ApiHarness;
let svc: TestPushService;
let alice: TestUser;
let bob: TestUser;
let key: string;

before(async () => {
  svc = await startTestPushService();
  h = await ApiHarness.start({ PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true', PUSH_CA_FILE: svc.caFile });
  [alice, bob] = await Promise.all([h.user('alice'), h.user('bob')]);
  const r = await h.http<VapidPublicKey>('GET', '/push/vapid-public-key');
  assert.equal(r.status, 200);
  key = r.body.publicKey;
});
after(async () => {
  await h?.stop();
  await svc?.close();
});

describe('push over REST', () => {
  test('a device subscribes, is listed, and a DM sent while its person is away reaches it; a click would open the message', async () => {
    const dev = svc.device(key);
    const sub = await h.http<PushDevice>('POST', '/push/subscriptions', { token: bob.accessToken, body: dev.subscription });
    assert.equal(sub.status, 201, JSON.stringify(sub.body));
    assert.equal(sub.body.private, false);
    const list = await h.http<PushDevice[]>('GET', '/push/subscriptions', { token: bob.accessToken });
    assert.deepEqual(
      list.body.map((d) => d.id),
      [sub.body.id],
    );

    const dm = await h.http<MyRoom>('POST', '/rooms', { token: alice.accessToken, body: { kind: 'direct', userId: bob.user.id } });
    const socket = await h.connect(alice.accessToken);
    const ack = await call(socket, 'message:send', { roomId: dm.body.id, clientMsgId: 'push-1', content: 'are you up?' });
    assert.equal(ack.ok, true);
    const [got] = await svc.waitFor(1);
    const payload = got!.payload as unknown as PushPayload;
    assert.equal(got!.deviceId, dev.id);
    assert.equal(payload.body, 'are you up?');
    assert.equal(payload.roomId, dm.body.id);
    assert.match(payload.url, new RegExp(`^/chat\\?room=${dm.body.id}&message=[0-9a-f-]{36}&seq=1$`));
    assert.deepEqual(svc.rejected, []);
  });

  test('bob connected: nothing is pushed; unsubscribed: nothing either', async () => {
    const dm = await h.http<MyRoom>('POST', '/rooms', { token: alice.accessToken, body: { kind: 'direct', userId: bob.user.id } });
    const bobSocket = await h.connect(bob.accessToken);
    const socket = await h.connect(alice.accessToken);
    const requests = svc.requests;
    assert.equal((await call(socket, 'message:send', { roomId: dm.body.id, clientMsgId: 'push-2', content: 'you are here' })).ok, true);
    // The notifier runs in the background, after the ack: give it time to (wrongly) push while bob is here.
    await sleep(1000);
    assert.equal(svc.requests, requests, 'no push while bob was connected');
    bobSocket.disconnect();
    const [device] = (await h.http<PushDevice[]>('GET', '/push/subscriptions', { token: bob.accessToken })).body;
    const endpoint = svc.received[0]!.deviceId;
    const del = await h.http('DELETE', '/push/subscriptions', {
      token: bob.accessToken,
      body: { endpoint: `${svc.origin}/push/${endpoint}` },
    });
    assert.equal(del.status, 204);
    assert.ok(device);
    assert.deepEqual((await h.http<PushDevice[]>('GET', '/push/subscriptions', { token: bob.accessToken })).body, []);
    await sleep(300); // bob's disconnect is seen by presence
    assert.equal((await call(socket, 'message:send', { roomId: dm.body.id, clientMsgId: 'push-3', content: 'and now?' })).ok, true);
    await sleep(1000);
    assert.equal(svc.requests, requests, 'none after he unsubscribed');
  });

  test('bad subscriptions are refused VALIDATION with nothing stored; the routes need a session', async () => {
    const dev = svc.device(key);
    const bad = [
      { ...dev.subscription, endpoint: 'http://127.0.0.1/push/x' },
      { ...dev.subscription, keys: { p256dh: 'short', auth: dev.subscription.keys.auth } },
      { ...dev.subscription, keys: { ...dev.subscription.keys, p256dh: 'B'.repeat(87) } },
      { ...dev.subscription, extra: true },
      { endpoint: dev.subscription.endpoint },
    ];
    for (const body of bad) {
      const r = await h.http<{ error: { code: string } }>('POST', '/push/subscriptions', { token: alice.accessToken, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'VALIDATION');
    }
    assert.deepEqual((await h.http<PushDevice[]>('GET', '/push/subscriptions', { token: alice.accessToken })).body, []);
    assert.equal((await h.http('POST', '/push/subscriptions', { body: dev.subscription })).status, 401);
    assert.equal((await h.http('GET', '/push/subscriptions')).status, 401);
  });
});
