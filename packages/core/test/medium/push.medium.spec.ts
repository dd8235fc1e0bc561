import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PushPayload } from '@qc/shared';
import { AppError } from '../../src/errors';
import { createNotifyHandler } from '../../src/handlers/notify.handler';
import { PushService } from '../../src/push/push.service';
import { createGroupRoom } from '../support/fixtures';
import { startTestCore, type TestCore } from '../support/test-core';
import { startTestPushService, type TestPushService } from '../support/test-push-service';

/*
 * Web Push end to end in core: real PostgreSQL, the real `web-push` library over TLS to a
 * push service on loopback that verifies each VAPID JWT and decrypts each payload with the
 * device's own keys. The notifier runs inline here (the api runs it in the background), so a
 * send has been pushed once it returns.
 */

let t: TestCore;
let svc: TestPushService;
let alice: string;
let bob: string;
let carol: string;
let vapidKey: string;

const code = (c: string) => (e: unknown) => e instanceof AppError && e.code === c;
let n = 0;
const say = (userId: string, roomId: string, content: string, more: object = {}) =>
  t.core.messages.send(userId, { roomId, clientMsgId: `push-${++n}`, content, contentType: 'text', ...more });
const payloads = (from = 0) => svc.received.slice(from).map((r) => r.payload as unknown as PushPayload);

before(async () => {
  svc = await startTestPushService();
  t = await startTestCore({ PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true', PUSH_CA_FILE: svc.caFile });
  t.core.messageLog.subscribe('notify', createNotifyHandler(t.core.meta, t.core.presenceStore, t.core.pushSink));
  alice = await t.user('alice');
  bob = await t.user('bob');
  carol = await t.user('carol');
  vapidKey = t.core.push.vapidPublicKey().publicKey;
});

after(async () => {
  await t.core.pushSink.close();
  await t.stop();
  await svc.close();
});

describe('the VAPID key', () => {
  test('is generated once into the database and read back the same by every later start', async () => {
    assert.match(vapidKey, /^[A-Za-z0-9_-]{87}$/);
    const again = await t.core.pushStore.vapidKeys(() => ({ publicKey: 'other', privateKey: 'other' }));
    assert.equal(again.publicKey, vapidKey, 'the stored pair wins over a newly generated one');
  });
});

describe('pushes', () => {
  test('a DM reaches every device of a person with none connected, signed and encrypted as a push service and the device check', async () => {
    const phone = svc.device(vapidKey);
    const laptop = svc.device(vapidKey);
    await t.core.push.subscribe(bob, { ...phone.subscription, private: false });
    await t.core.push.subscribe(bob, { ...laptop.subscription, private: true });
    const { room } = await t.core.rooms.create(alice, { kind: 'direct', userId: bob });
    const before = svc.received.length;
    const { message } = await say(alice, room.id, 'lunch at noon?');
    const got = await svc.waitFor(before + 2);
    const byDevice = new Map(got.slice(before).map((r) => [r.deviceId, r]));
    const open = byDevice.get(phone.id)!.payload as unknown as PushPayload;
    const alicesName = (await t.core.meta.findUserById(alice))!.displayName;
    assert.deepEqual(open, {
      v: 1,
      roomId: room.id,
      messageId: message.id,
      seq: message.seq,
      title: alicesName,
      body: 'lunch at noon?',
      sender: alicesName,
      mention: true,
      url: `/chat?room=${room.id}&message=${message.id}&seq=${message.seq}`,
    });
    const hidden = byDevice.get(laptop.id)!.payload as unknown as PushPayload;
    assert.equal(hidden.body, 'New message', 'the private device is told who, not what');
    assert.ok(!JSON.stringify(hidden).includes('lunch'), 'no word of the text anywhere in a private push');
    const phoneRequest = byDevice.get(phone.id)!;
    assert.equal(phoneRequest.urgency, 'high');
    assert.equal(phoneRequest.topic, room.id.replace(/-/g, ''), 'one topic per room: a device that was off gets the newest');
    assert.equal(phoneRequest.ttl, 24 * 3600);
    assert.equal(phoneRequest.jwt.aud, svc.origin);
    assert.deepEqual(svc.rejected, []);
    const rows = await t.core.pushStore.listDeliveries(bob, 10);
    assert.deepEqual(rows.map((r) => [r.status, r.httpStatus, r.notificationId]).sort(), [
      ['sent', 201, `${message.id}:${bob}`],
      ['sent', 201, `${message.id}:${bob}`],
    ]);
    assert.ok((await t.core.push.devices(bob)).every((d) => d.lastPushedAt !== null));
  });

  test('a person with a device connected is not pushed; the sender never is', async () => {
    const dev = svc.device(vapidKey);
    await t.core.push.subscribe(carol, { ...dev.subscription, private: false });
    const mine = svc.device(vapidKey);
    await t.core.push.subscribe(alice, { ...mine.subscription, private: false });
    const { room } = await t.core.rooms.create(alice, { kind: 'direct', userId: carol });
    await t.core.presenceStore.setConnection(carol, 'carol-tab', 'online', 60_000);
    const requests = svc.requests;
    await say(alice, room.id, 'are you there?');
    await t.core.presenceStore.removeConnection(carol, 'carol-tab');
    assert.equal(svc.requests, requests, 'carol is online and alice sent it: no push to anyone');
    const before = svc.received.length;
    await say(alice, room.id, 'gone now?');
    await svc.waitFor(before + 1);
    assert.equal(svc.received.at(-1)!.deviceId, dev.id);
  });

  test("in a group, only what mentions a member is pushed, unless they chose 'all'; a mute silences even mentions", async () => {
    // People of their own: the earlier specs' devices would hear too.
    const [gina, hank] = [await t.user('gina'), await t.user('hank')];
    const bobs = svc.device(vapidKey);
    const carols = svc.device(vapidKey);
    await t.core.push.subscribe(gina, { ...bobs.subscription, private: false });
    await t.core.push.subscribe(hank, { ...carols.subscription, private: false });
    const room = await createGroupRoom(t.core.meta, alice, [gina, hank], 'trip');
    const start = svc.received.length;
    await say(alice, room, 'plain news');
    await say(alice, room, `<@${gina}> can you book it?`);
    await svc.waitFor(start + 1);
    assert.deepEqual(
      svc.received.slice(start).map((r) => r.deviceId),
      [bobs.id],
      'the plain message told no one; the mention told gina',
    );
    assert.match(payloads(start)[0]!.body, /: @gina\d+ can you book it\?$/);
    await t.core.rooms.setNotifications(room, hank, { level: 'all' });
    await t.core.rooms.setNotifications(room, gina, { level: 'mentions', mutedUntil: new Date(Date.now() + 3600_000).toISOString() });
    const next = svc.received.length;
    await say(alice, room, `<@${gina}> and everyone else`);
    await svc.waitFor(next + 1);
    assert.deepEqual(
      svc.received.slice(next).map((r) => r.deviceId),
      [carols.id],
      'hank hears all; gina is muted',
    );
  });

  test('a device the push service no longer knows (410 or 404) is forgotten; a failing one (500) is kept and recorded', async () => {
    const dave = await t.user('dave');
    const gone = svc.device(vapidKey);
    const unknown = svc.device(vapidKey);
    const flaky = svc.device(vapidKey);
    for (const d of [gone, unknown, flaky]) await t.core.push.subscribe(dave, { ...d.subscription, private: false });
    svc.answer(gone.id, 410);
    svc.answer(unknown.id, 404);
    svc.answer(flaky.id, 500);
    const { room } = await t.core.rooms.create(alice, { kind: 'direct', userId: dave });
    const { message } = await say(alice, room.id, 'hello?');
    const rows = await t.core.pushStore.listDeliveries(dave, 10);
    assert.deepEqual(rows.map((r) => [r.status, r.httpStatus]).sort(), [
      ['expired', 404],
      ['expired', 410],
      ['failed', 500],
    ]);
    assert.ok(rows.every((r) => r.notificationId === `${message.id}:${dave}` && r.tookMs >= 0));
    assert.match(rows.find((r) => r.status === 'failed')!.error!, /^500 from the push service/);
    const left = await t.core.pushStore.listSubscriptions([dave]);
    assert.deepEqual(
      left.map((s) => s.endpoint),
      [flaky.subscription.endpoint],
    );
    const requests = svc.requests;
    await say(alice, room.id, 'still there?');
    assert.equal(svc.requests, requests + 1, 'only the kept device is tried again');
  });

  test('a redelivered log record pushes nothing twice', async () => {
    const erin = await t.user('erin');
    const dev = svc.device(vapidKey);
    await t.core.push.subscribe(erin, { ...dev.subscription, private: false });
    const { room } = await t.core.rooms.create(alice, { kind: 'direct', userId: erin });
    const before = svc.received.length;
    const { message } = await say(alice, room.id, 'once only');
    await svc.waitFor(before + 1);
    const handler = createNotifyHandler(t.core.meta, t.core.presenceStore, t.core.pushSink);
    await handler.run([{ type: 'message.created', message }]);
    assert.equal(svc.received.length, before + 1);
    assert.equal((await t.core.pushStore.listDeliveries(erin, 10)).length, 1);
  });

  test('week-old deliveries are pruned', async () => {
    const pruned = await t.core.pushStore.pruneDeliveries(new Date(Date.now() + 1000));
    assert.ok(pruned >= 5, `pruned ${pruned}`);
    assert.deepEqual(await t.core.pushStore.listDeliveries(bob, 10), []);
  });
});

describe('subscribing', () => {
  test('a device moves to whoever subscribes it last; unsubscribing forgets it; others cannot remove it', async () => {
    const dev = svc.device(vapidKey);
    await t.core.push.subscribe(alice, { ...dev.subscription, private: false });
    await t.core.push.subscribe(bob, { ...dev.subscription, private: true });
    const rows = await t.core.pushStore.listSubscriptions([alice, bob]);
    const mine = rows.filter((r) => r.endpoint === dev.subscription.endpoint);
    assert.deepEqual(
      mine.map((r) => [r.userId, r.private]),
      [[bob, true]],
    );
    await t.core.push.unsubscribe(alice, dev.subscription.endpoint);
    assert.equal((await t.core.pushStore.listSubscriptions([bob])).filter((r) => r.endpoint === dev.subscription.endpoint).length, 1);
    await t.core.push.unsubscribe(bob, dev.subscription.endpoint);
    assert.equal((await t.core.pushStore.listSubscriptions([bob])).filter((r) => r.endpoint === dev.subscription.endpoint).length, 0);
  });

  test('refused VALIDATION: a key that is not a P-256 point; a private or loopback push service unless allowed', async () => {
    const dev = svc.device(vapidKey);
    const badKey = { ...dev.subscription, keys: { ...dev.subscription.keys, p256dh: 'B'.repeat(87) }, private: false };
    await assert.rejects(t.core.push.subscribe(alice, badKey), code('VALIDATION'));
    const strict = new PushService(t.core.pushStore, { publicKey: vapidKey, allowPrivateEndpoints: false });
    for (const endpoint of [
      'https://127.0.0.1/push/x',
      'https://10.1.2.3/x',
      'https://[::1]/x',
      'https://169.254.169.254/x',
      'https://localhost/x',
      'https://u:p@push.example.com/x',
    ]) {
      await assert.rejects(strict.subscribe(alice, { ...dev.subscription, endpoint, private: false }), code('VALIDATION'), endpoint);
    }
    assert.equal((await t.core.pushStore.listSubscriptions([alice])).filter((r) => r.endpoint.includes('169.254')).length, 0);
  });
});
