import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SPAM_SETTINGS, type AuditPage, type Message, type MyRoom, type SpamSettingsView } from '@qc/shared';
import { ApiHarness, call, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * The spam rules on the real api (issue #14 item 3): the same text in N rooms within a window
 * is refused BLOCKED from the room that reaches N on (written once in the audit log); a link
 * from an account younger than the setting is refused on send and on edit; the instance's
 * staff are not held; only staff read and change the settings, each change audited.
 */

const chiefName = `chief_${randomBytes(4).toString('hex')}`;
let chief: string;
let chiefId: string;
let h: ApiHarness;
let owner: TestUser;
let member: TestUser;
let rooms: MyRoom[];
let memberSocket: ClientSocket;
let chiefSocket: ClientSocket;

const send = (socket: ClientSocket, roomId: string, content: string) =>
  call(socket, 'message:send', { roomId, clientMsgId: `s-${randomBytes(6).toString('hex')}`, content });

const settings = (body: Record<string, unknown>, token = chief) =>
  h.http<SpamSettingsView & { error?: { code: string } }>('PUT', '/admin/spam-rules', { token, body });

async function refusals(userId: string) {
  const page = await h.http<AuditPage>('GET', `/admin/audit?action=spam.refused&target=${userId}`, { token: chief });
  assert.equal(page.status, 200);
  return page.body.entries;
}

before(async () => {
  h = await ApiHarness.start({ QC_ADMIN_USERNAMES: chiefName });
  const auth = await h.registerAs(chiefName);
  [chief, chiefId] = [auth.accessToken, auth.user.id];
  [owner, member] = await Promise.all([h.user('owner'), h.user('member')]);
  rooms = [];
  for (const name of ['one', 'two', 'three', 'four']) {
    const room = await h.group(owner, [member], name);
    const added = await h.http('POST', `/rooms/${room.id}/members`, { token: owner.accessToken, body: { userId: chiefId } });
    assert.equal(added.status, 201);
    rooms.push(room);
  }
  memberSocket = await h.connect(member.accessToken);
  chiefSocket = await h.connect(chief);
});
after(() => h?.stop());

describe('spam rules', () => {
  test('only staff read and change them: a member FORBIDDEN, no token 401, bad bodies VALIDATION with nothing changed', async () => {
    const read = await h.http<SpamSettingsView>('GET', '/admin/spam-rules', { token: chief });
    assert.equal(read.status, 200);
    assert.deepEqual(
      {
        repeatRooms: read.body.repeatRooms,
        repeatWindowSeconds: read.body.repeatWindowSeconds,
        newAccountLinkMinutes: read.body.newAccountLinkMinutes,
      },
      DEFAULT_SPAM_SETTINGS,
    );
    assert.equal(read.body.updatedAt, null, 'never saved: the defaults');
    assert.equal((await h.http('GET', '/admin/spam-rules', { token: member.accessToken })).status, 403);
    assert.equal((await h.http('GET', '/admin/spam-rules')).status, 401);
    const good = { ...DEFAULT_SPAM_SETTINGS, reason: 'x' };
    assert.equal((await settings(good, member.accessToken)).status, 403);
    for (const bad of [
      { ...good, repeatRooms: 1 },
      { ...good, repeatRooms: -1 },
      { ...good, repeatWindowSeconds: 5 },
      { ...good, newAccountLinkMinutes: 1.5 },
      { ...DEFAULT_SPAM_SETTINGS },
      { ...good, extra: true },
    ]) {
      const r = await settings(bad);
      assert.deepEqual([r.status, r.body.error?.code], [400, 'VALIDATION'], JSON.stringify(bad));
    }
    assert.equal((await h.http<SpamSettingsView>('GET', '/admin/spam-rules', { token: chief })).body.updatedAt, null, 'nothing was saved');
  });

  test('the same text in a third room within the window is refused BLOCKED, once in the audit log; short texts and staff are not held', async () => {
    const text = `Free followers at example shop ${randomBytes(3).toString('hex')}`;
    assert.equal((await send(memberSocket, rooms[0]!.id, text)).ok, true);
    assert.equal((await send(memberSocket, rooms[1]!.id, `  ${text.toUpperCase()} `)).ok, true, 'a second room is allowed');
    const third = await send(memberSocket, rooms[2]!.id, text);
    assert.equal(third.ok, false);
    assert.equal(third.error?.code, 'BLOCKED');
    assert.match(third.error!.message, /same text in many rooms/);
    const fourth = await send(memberSocket, rooms[3]!.id, text.replace(/ /g, '  '));
    assert.equal(fourth.error?.code, 'BLOCKED', 'a copy with other spacing is the same text');
    const history = await h.http<{ messages: Message[] }>('GET', `/rooms/${rooms[2]!.id}/messages`, { token: member.accessToken });
    assert.equal(history.body.messages.filter((m) => m.content.includes('Free followers')).length, 0, 'nothing was stored');

    const written = await refusals(member.user.id);
    assert.equal(written.length, 1, 'one line for the burst, not one per copy');
    assert.equal(written[0]!.roomId, rooms[2]!.id);
    assert.match(written[0]!.reason ?? '', /same text in 3 rooms/);

    for (const room of rooms) assert.equal((await send(memberSocket, room.id, 'thanks all!')).ok, true, 'short texts are said everywhere');
    assert.equal((await send(memberSocket, rooms[2]!.id, 'a different thought entirely')).ok, true);
    const announcement = `Maintenance tonight at 22:00 UTC ${randomBytes(3).toString('hex')}`;
    for (const room of rooms)
      assert.equal((await send(chiefSocket, room.id, announcement)).ok, true, "an admin's announcement goes everywhere");
  });

  test('links from new accounts: refused on send and edit while the account is younger than the setting; off again, they go', async () => {
    const saved = await settings({ repeatRooms: 0, repeatWindowSeconds: 60, newAccountLinkMinutes: 10, reason: 'raid of new accounts' });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.newAccountLinkMinutes, 10);
    assert.ok(saved.body.updatedAt);
    const audit = await h.http<AuditPage>('GET', '/admin/audit?action=spam.settings', { token: chief });
    assert.equal(audit.body.entries[0]!.actorId, chiefId);
    assert.equal(audit.body.entries[0]!.reason, 'raid of new accounts');
    assert.deepEqual(audit.body.entries[0]!.before, DEFAULT_SPAM_SETTINGS);
    assert.deepEqual(audit.body.entries[0]!.after, { repeatRooms: 0, repeatWindowSeconds: 60, newAccountLinkMinutes: 10 });

    for (const link of ['look https://example.com/deal', 'go to shop.example.io/x', 'write to deals@example.com']) {
      const r = await send(memberSocket, rooms[0]!.id, link);
      assert.equal(r.error?.code, 'BLOCKED', link);
      assert.match(r.error!.message, /links from new accounts.*in 10 min/);
    }
    assert.equal((await refusals(member.user.id)).filter((e) => /link/.test(e.reason ?? '')).length, 1, 'one line per young account');
    const plain = await send(memberSocket, rooms[0]!.id, 'no links in this one');
    assert.equal(plain.ok, true);
    const messageId = (plain as unknown as { message: Message }).message.id;
    const edit = await call(memberSocket, 'message:edit', { roomId: rooms[0]!.id, messageId, content: 'now with https://example.com' });
    assert.equal(edit.error?.code, 'BLOCKED', 'an edit cannot add the link');
    assert.equal((await send(chiefSocket, rooms[0]!.id, 'staff link https://example.com/docs')).ok, true, 'staff are not held');

    // The repeat rule is off (0): the same text goes into every room.
    for (const room of rooms) assert.equal((await send(memberSocket, room.id, 'the same long text everywhere now')).ok, true);

    await settings({ repeatRooms: 3, repeatWindowSeconds: 300, newAccountLinkMinutes: 0, reason: 'raid over' });
    assert.equal((await send(memberSocket, rooms[0]!.id, 'finally https://example.com')).ok, true);
  });
});
