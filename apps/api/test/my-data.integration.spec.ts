import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DELETED_USER_NAME,
  type HistoryPage,
  type Message,
  type MessageUpdate,
  type MyDataExport,
  type MyRoom,
  type RoomSyncResult,
} from '@qc/shared';
import { ApiHarness, call, waitFor, type ClientSocket, type TestUser } from './support/api-harness';

/*
 * "Your data" against the real api (embedded PostgreSQL, real sockets): GET /users/me/export
 * and DELETE /users/me.
 */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start({ RATE_LIMIT_MESSAGES_PER_SEC: '200', RATE_LIMIT_MESSAGES_BURST: '200' });
});
after(async () => {
  await h?.stop();
});

const PASSWORD = 'correct horse battery';
type ErrorReply = { error: { code: string; message: string } };

async function send(socket: ClientSocket, roomId: string, content: string): Promise<Message> {
  const r = await call(socket, 'message:send', { roomId, clientMsgId: `m${Math.random().toString(36).slice(2)}`, content });
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.message as Message;
}

async function exportOf(u: TestUser): Promise<{ res: Response; text: string }> {
  const res = await fetch(`${h.base}/api/v1/users/me/export`, { headers: { authorization: `Bearer ${u.accessToken}` } });
  return { res, text: await res.text() };
}

const deleteAccount = (u: TestUser, body: unknown) => h.http<ErrorReply | null>('DELETE', '/users/me', { token: u.accessToken, body });

const refresh = (u: TestUser) => fetch(`${h.base}/api/v1/auth/refresh`, { method: 'POST', headers: { cookie: u.cookie } });

const login = (u: TestUser) => h.http<ErrorReply>('POST', '/auth/login', { body: { username: u.user.username, password: PASSWORD } });

/** Every seq room:sync hands a member from the start, following hasMore. */
async function syncedSeqs(socket: ClientSocket, roomId: string) {
  const seqs: number[] = [];
  const messages: Message[] = [];
  for (let after = 0; ;) {
    const r = (await call(socket, 'room:sync', { roomId, afterSeq: after, limit: 200 })) as unknown as RoomSyncResult & { ok: boolean };
    assert.equal(r.ok, true);
    messages.push(...r.messages);
    seqs.push(...r.messages.map((m) => m.seq), ...r.updates.map((u) => u.seq));
    if (!r.hasMore) break;
    after = Math.max(...seqs);
  }
  return { seqs: seqs.sort((a, b) => a - b), messages };
}

describe('GET /users/me/export', () => {
  test('without a token: 401 UNAUTHENTICATED, in the envelope', async () => {
    const res = await fetch(`${h.base}/api/v1/users/me/export`);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as ErrorReply).error.code, 'UNAUTHENTICATED');
  });

  test('a JSON attachment with my messages and not the others’, and no password hash or token', async () => {
    const [ann, bob] = await Promise.all([h.user('ann'), h.user('bob')]);
    const room = await h.group(ann, [bob]);
    const [sa, sb] = await Promise.all([h.connect(ann.accessToken), h.connect(bob.accessToken)]);
    const mine = await send(sa, room.id, 'my words for the export');
    await send(sb, room.id, 'bob said this');
    const { res, text } = await exportOf(ann);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(
      res.headers.get('content-disposition') ?? '',
      new RegExp(`^attachment; filename="quantum-chat-${ann.user.username}-\\d{4}-\\d{2}-\\d{2}\\.json"$`),
    );
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const file = JSON.parse(text) as MyDataExport;
    assert.equal(file.profile.id, ann.user.id);
    assert.deepEqual(
      file.messages.map((m) => [m.id, m.content]),
      [[mine.id, 'my words for the export']],
    );
    assert.deepEqual(
      file.rooms.map((r) => r.id),
      [room.id],
    );
    assert.equal(file.sessions.length, 1);
    assert.doesNotMatch(text, /bob said this/);
    assert.doesNotMatch(text, /\$argon2|passwordHash|tokenHash/);
    assert.ok(!text.includes(ann.cookie.split('=')[1]!), 'no refresh token');
    assert.ok(!text.includes(ann.accessToken), 'no access token');
  });
});

describe('DELETE /users/me', () => {
  test('without a token: 401; a bad body: 400 VALIDATION; a wrong password: 403 FORBIDDEN — and nothing changes', async () => {
    const [ann, bob] = await Promise.all([h.user('keepme'), h.user('bob')]);
    const room = await h.group(ann, [bob]);
    const sa = await h.connect(ann.accessToken);
    const m = await send(sa, room.id, 'still here');

    const anon = await h.http<ErrorReply>('DELETE', '/users/me', { body: { password: PASSWORD, messages: 'remove' } });
    assert.equal(anon.status, 401);
    for (const body of [{}, { password: PASSWORD }, { password: PASSWORD, messages: 'burn-it' }, { password: '', messages: 'remove' }]) {
      const bad = await deleteAccount(ann, body);
      assert.equal(bad.status, 400, JSON.stringify(body));
      assert.equal(bad.body?.error.code, 'VALIDATION');
    }
    const wrong = await deleteAccount(ann, { password: 'not my password', messages: 'remove' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body?.error.code, 'FORBIDDEN');
    assert.match(wrong.body?.error.message ?? '', /password/);

    assert.equal((await h.http('GET', '/users/me', { token: ann.accessToken })).status, 200);
    assert.equal(sa.connected, true);
    const history = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages`, { token: bob.accessToken });
    assert.deepEqual(
      history.body.messages.map((x) => [x.id, x.content, x.deletedAt]),
      [[m.id, 'still here', null]],
    );
    assert.equal((await h.http<MyRoom>('GET', `/rooms/${room.id}`, { token: bob.accessToken })).body.memberCount, 2);
    assert.equal((await refresh(ann)).status, 200);
  });

  test('keeping the messages: sessions end at once (sign-in, refresh, the access token, an open socket), messages stay under "Deleted user"', async () => {
    const [ann, bob] = await Promise.all([h.user('leaver'), h.user('stayer')]);
    const room = await h.group(ann, [bob]);
    const dm = await h.http<MyRoom>('POST', '/rooms', { token: bob.accessToken, body: { kind: 'direct', userId: ann.user.id } });
    const [sa, sb] = await Promise.all([h.connect(ann.accessToken), h.connect(bob.accessToken)]);
    const before = await send(sb, room.id, 'before');
    const kept = await send(sa, room.id, 'words to keep');
    const inDm = await send(sa, dm.body.id, 'a private word');
    const closed = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the socket is still open 15 s after the deletion began')), 15_000);
      sa.once('disconnect', (reason) => {
        clearTimeout(t);
        resolve(reason);
      });
    });
    const left = waitFor<{ roomId: string; userId: string; change: string }>(sb, 'member:changed', (e) => e.roomId === room.id);

    const res = await deleteAccount(ann, { password: PASSWORD, messages: 'keep-as-deleted-user' });
    assert.equal(res.status, 204);
    assert.match(res.headers.get('set-cookie') ?? '', /qc_refresh=;/, 'the refresh cookie is cleared');

    assert.equal(await closed, 'io server disconnect', 'the open socket is disconnected');
    assert.deepEqual(await left, { roomId: room.id, userId: ann.user.id, change: 'left' });
    assert.equal((await login(ann)).status, 401);
    assert.equal((await refresh(ann)).status, 401);
    const me = await h.http<ErrorReply>('GET', '/users/me', { token: ann.accessToken });
    assert.equal(me.status, 401, 'an unexpired access token is refused');
    assert.equal(me.body.error.code, 'UNAUTHENTICATED');
    await assert.rejects(h.connect(ann.accessToken), (e: Error) => e.message === 'UNAUTHENTICATED');

    // Bob still reads the whole room; the group passed to him (its only other member).
    const roomNow = await h.http<MyRoom>('GET', `/rooms/${room.id}`, { token: bob.accessToken });
    assert.equal(roomNow.body.role, 'owner');
    assert.equal(roomNow.body.memberCount, 1);
    const history = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages`, { token: bob.accessToken });
    assert.deepEqual(
      history.body.messages.map((m) => [m.id, m.senderId, m.content]),
      [
        [before.id, bob.user.id, 'before'],
        [kept.id, ann.user.id, 'words to keep'],
      ],
    );
    // The DM names the other side "Deleted user", and its history is whole.
    const dmNow = await h.http<MyRoom>('GET', `/rooms/${dm.body.id}`, { token: bob.accessToken });
    assert.equal(dmNow.body.name, DELETED_USER_NAME);
    assert.deepEqual(dmNow.body.peer && [dmNow.body.peer.id, dmNow.body.peer.displayName], [ann.user.id, DELETED_USER_NAME]);
    const { seqs, messages } = await syncedSeqs(sb, dm.body.id);
    assert.deepEqual(seqs, [1]);
    assert.deepEqual(
      messages.map((m) => [m.id, m.content]),
      [[inDm.id, 'a private word']],
    );
    // The username is free for someone new.
    const again = await h.http('POST', '/auth/register', { body: { username: ann.user.username, password: 'a brand new password' } });
    assert.equal(again.status, 201);
  });

  test('removing the messages: the others get message:updated tombstones, and catch-up is gap-free', async () => {
    const [ann, bob] = await Promise.all([h.user('remover'), h.user('witness')]);
    const room = await h.group(bob, [ann]);
    const [sa, sb] = await Promise.all([h.connect(ann.accessToken), h.connect(bob.accessToken)]);
    await send(sb, room.id, 'hello');
    const mine = [await send(sa, room.id, 'one'), await send(sa, room.id, 'two')];
    await send(sb, room.id, 'bye');
    const tombstones: MessageUpdate[] = [];
    sb.on('message:updated', (u) => {
      if (u.roomId === room.id) tombstones.push(u);
    });
    const second = waitFor<MessageUpdate>(sb, 'message:updated', (u) => u.message.id === mine[1]!.id);

    const res = await deleteAccount(ann, { password: PASSWORD, messages: 'remove' });
    assert.equal(res.status, 204);
    await second;
    assert.deepEqual(
      tombstones.map((u) => [u.seq, u.message.id, u.message.content, !!u.message.deletedAt]),
      [
        [5, mine[0]!.id, '', true],
        [6, mine[1]!.id, '', true],
      ],
    );
    const { seqs, messages } = await syncedSeqs(sb, room.id);
    assert.deepEqual(seqs, [1, 2, 3, 4, 5, 6], 'no gap, nothing twice');
    assert.deepEqual(
      messages.map((m) => [m.content, !!m.deletedAt]),
      [
        ['hello', false],
        ['', true],
        ['', true],
        ['bye', false],
      ],
    );
    const history = await h.http<HistoryPage>('GET', `/rooms/${room.id}/messages`, { token: bob.accessToken });
    assert.deepEqual(
      history.body.messages.map((m) => m.content),
      ['hello', '', '', 'bye'],
    );
    const search = await h.http<{ hits: unknown[] }>('GET', `/search/messages?q=two`, { token: bob.accessToken });
    assert.deepEqual(search.body.hits, []);
  });
});
