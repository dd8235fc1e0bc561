import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AdminOverview, Message } from '@qc/shared';
import { ApiHarness, call, until } from './support/api-harness';

/*
 * The dashboard's overview on the real api (issue #14 item 6): people online across their
 * devices, messages per minute over the last hour from what was sent, and the case queue.
 * Every admin endpoint's refusal of members is in moderation.integration.spec.ts.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let chief: string;
let h: ApiHarness;

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  chief = (await h.registerAs(chiefName)).accessToken;
});
after(() => h?.stop());

const overview = async () => {
  const r = await h.http<AdminOverview>('GET', '/admin/overview', { token: chief });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

test('people online, messages per minute over the last hour, and open cases, as they change', async () => {
  const empty = await overview();
  assert.equal(empty.online, 0, 'nobody is connected yet (the admin only called REST)');
  assert.deepEqual(empty.cases, { open: 0, assigned: 0 });
  assert.equal(empty.messagesPerMinute.counts.length, 60);
  assert.equal(
    empty.messagesPerMinute.counts.reduce((a, b) => a + b, 0),
    0,
  );
  const since = Date.parse(empty.messagesPerMinute.since);
  assert.equal(since % 60_000, 0, 'the chart starts on a whole minute');
  assert.ok(Date.parse(empty.at) - since < 60 * 60_000 && Date.parse(empty.at) - since >= 59 * 60_000, 'and covers the last hour');

  const [ann, bob] = await Promise.all([h.user('ann'), h.user('bob')]);
  const room = await h.group(ann, [bob], 'busy');
  const annPhone = await h.connect(ann.accessToken);
  await h.connect(ann.accessToken);
  const bobSocket = await h.connect(bob.accessToken);
  let latest = empty;
  const refresh = async () => void (latest = await overview());
  await until(() => latest.online === 2, 10_000, 'two people online (ann on two devices counts once)', refresh);

  const sent: Message[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await call(annPhone, 'message:send', { roomId: room.id, clientMsgId: `o-${i}`, content: `message number ${i}` });
    assert.equal(r.ok, true);
    sent.push((r as unknown as { message: Message }).message);
  }
  const busy = await overview();
  const counts = busy.messagesPerMinute.counts;
  // Five sends a moment ago: in the minute under way, or across it and the one before.
  assert.equal(counts[59]! + counts[58]!, 5, JSON.stringify(counts.slice(-3)));
  assert.equal(
    counts.reduce((a, b) => a + b, 0),
    5,
  );

  const report = await h.http('POST', `/rooms/${room.id}/messages/${sent[0]!.id}/report`, {
    token: bob.accessToken,
    body: { reason: 'spam', note: 'not again' },
  });
  assert.equal(report.status, 201, JSON.stringify(report.body));
  assert.deepEqual((await overview()).cases, { open: 1, assigned: 0 });

  bobSocket.disconnect();
  await until(() => latest.online === 1, 10_000, 'bob left: one person online', refresh);
});
