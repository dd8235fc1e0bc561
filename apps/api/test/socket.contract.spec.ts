import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import type { Message, MyRoom, PresenceEvent, TypingEvent } from '@qc/shared';
import { ApiHarness, call, collect, sendUntilAcked, sleep, until, waitFor, type TestUser } from './support/api-harness';

/*
 * The delivery contract of DESIGN.md, checked through real sockets (socket.io-client)
 * against the real api on a real PostgreSQL.
 */

let h: ApiHarness;
before(async () => {
  h = await ApiHarness.start({ RATE_LIMIT_MESSAGES_PER_SEC: '200', RATE_LIMIT_MESSAGES_BURST: '200' });
});
after(async () => {
  await h?.stop();
});

const group = (owner: TestUser, others: TestUser[], name?: string) => h.group(owner, others, name);

describe('message delivery', () => {
  test('many senders at once: every client sees the same gap-free order', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5].map((i) => h.user(`racer${i}`)));
    const room = await group(users[0]!, users.slice(1));
    const sockets = await Promise.all(users.map((u) => h.connect(u.accessToken)));
    // A second device for the first person: multi-device gets everything too.
    sockets.push(await h.connect(users[0]!.accessToken));
    const seen = sockets.map((s) => collect(s, room.id));
    const perSender = 20;
    const acks = await Promise.all(
      sockets.slice(0, 5).flatMap((s, u) =>
        Array.from({ length: perSender }, (_, i) =>
          // Order, not speed: a burst the room sheds on a busy machine (OVERLOADED) is resent,
          // with the same clientMsgId, as the web client does.
          sendUntilAcked(s, { roomId: room.id, clientMsgId: `u${u}-m${i}`, content: `from ${u} #${i}` }),
        ),
      ),
    );
    assert.ok(
      acks.every((a) => a.ok),
      JSON.stringify(acks.find((a) => !a.ok)),
    );
    const total = 5 * perSender;
    await until(() => seen.every((s) => s.length >= total));
    const expected = Array.from({ length: total }, (_, i) => i + 1);
    for (const s of seen)
      assert.deepEqual(
        s.map((m) => m.seq),
        expected,
        'a client saw a gap, a duplicate or a reordering',
      );
    const ids = seen[0]!.map((m) => m.id);
    for (const s of seen)
      assert.deepEqual(
        s.map((m) => m.id),
        ids,
      );
    // Each sender's own messages keep the order they were sent in.
    for (let u = 0; u < 5; u++) {
      const mine = seen[0]!.filter((m) => m.clientMsgId.startsWith(`u${u}-`)).map((m) => Number(m.clientMsgId.split('-m')[1]));
      assert.equal(mine.length, perSender);
    }
  });

  test('a retried clientMsgId makes one message, delivered once', async () => {
    const [a, b] = await Promise.all([h.user('alice'), h.user('bob')]);
    const room = await group(a, [b]);
    const [sa, sb] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken)]);
    const atB = collect(sb, room.id);
    const payload = { roomId: room.id, clientMsgId: 'same-id-1', content: 'only once' };
    const acks = await Promise.all([
      call(sa, 'message:send', payload),
      call(sa, 'message:send', payload),
      call(sa, 'message:send', payload),
    ]);
    const later = await call(sa, 'message:send', payload);
    const ids = new Set([...acks, later].map((x) => (x.message as Message).id));
    assert.equal(ids.size, 1);
    await sleep(300);
    assert.equal(atB.length, 1);
    const history = await h.http<{ messages: Message[] }>('GET', `/rooms/${room.id}/messages`, { token: b.accessToken });
    assert.equal(history.body.messages.length, 1);
  });

  test('disconnect, others send, reconnect: room:sync returns exactly the missed ones', async () => {
    const [a, b] = await Promise.all([h.user('stayer'), h.user('leaver')]);
    const room = await group(a, [b]);
    const sa = await h.connect(a.accessToken);
    let sb = await h.connect(b.accessToken);
    const atB = collect(sb, room.id);
    for (let i = 0; i < 3; i++)
      assert.equal((await call(sa, 'message:send', { roomId: room.id, clientMsgId: `pre${i}`, content: `before ${i}` })).ok, true);
    await until(() => atB.length === 3);
    const lastSeen = atB[atB.length - 1]!.seq;
    sb.disconnect();
    for (let i = 0; i < 7; i++)
      assert.equal((await call(sa, 'message:send', { roomId: room.id, clientMsgId: `miss${i}`, content: `missed ${i}` })).ok, true);
    sb = await h.connect(b.accessToken);
    const sync = await call(sb, 'room:sync', { roomId: room.id, afterSeq: lastSeen });
    assert.equal(sync.ok, true);
    const missed = sync.messages as Message[];
    assert.deepEqual(
      missed.map((m) => m.seq),
      [4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(
      missed.map((m) => m.content),
      Array.from({ length: 7 }, (_, i) => `missed ${i}`),
    );
    assert.equal(sync.hasMore, false);
    // Paged catch-up: limit 3 walks the same ground with hasMore.
    const p1 = await call(sb, 'room:sync', { roomId: room.id, afterSeq: lastSeen, limit: 3 });
    assert.deepEqual(
      (p1.messages as Message[]).map((m) => m.seq),
      [4, 5, 6],
    );
    assert.equal(p1.hasMore, true);
  });

  test('a non-member cannot send or sync: FORBIDDEN', async () => {
    const [a, b, eve] = await Promise.all([h.user('a'), h.user('b'), h.user('eve')]);
    const room = await group(a, [b]);
    const se = await h.connect(eve.accessToken);
    const send = await call(se, 'message:send', { roomId: room.id, clientMsgId: 'intrude', content: 'let me in' });
    assert.deepEqual(send.error?.code, 'FORBIDDEN');
    const sync = await call(se, 'room:sync', { roomId: room.id, afterSeq: 0 });
    assert.equal(sync.error?.code, 'FORBIDDEN');
    const read = await call(se, 'room:read', { roomId: room.id, seq: 1 });
    assert.equal(read.error?.code, 'FORBIDDEN');
    const typing = await call(se, 'typing', { roomId: room.id, isTyping: true });
    assert.equal(typing.error?.code, 'FORBIDDEN');
    const history = await h.http<{ messages: Message[] }>('GET', `/rooms/${room.id}/messages`, { token: a.accessToken });
    assert.equal(history.body.messages.length, 0);
  });

  test('a member removed from a room stops receiving it and is refused from then on', async () => {
    const [owner, kept, removed] = await Promise.all([h.user('owner'), h.user('kept'), h.user('removed')]);
    const room = await group(owner, [kept, removed]);
    const [so, sk, sr] = await Promise.all([h.connect(owner.accessToken), h.connect(kept.accessToken), h.connect(removed.accessToken)]);
    const atRemoved = collect(sr, room.id);
    const atKept = collect(sk, room.id);
    const removedEvent = waitFor<{ roomId: string }>(sr, 'room:removed', (e) => e.roomId === room.id);
    const del = await h.http('DELETE', `/rooms/${room.id}/members/${removed.user.id}`, { token: owner.accessToken });
    assert.equal(del.status, 204);
    await removedEvent;
    assert.equal((await call(so, 'message:send', { roomId: room.id, clientMsgId: 'after-removal', content: 'secret' })).ok, true);
    await until(() => atKept.length === 1);
    await sleep(200);
    assert.equal(atRemoved.length, 0);
    assert.equal((await call(sr, 'room:sync', { roomId: room.id, afterSeq: 0 })).error?.code, 'FORBIDDEN');
  });
});

describe('handshake', () => {
  test('a missing, forged or expired token gets connect_error UNAUTHENTICATED', async () => {
    await assert.rejects(h.connect(undefined), { message: 'UNAUTHENTICATED' });
    await assert.rejects(h.connect('not-a-jwt'), { message: 'UNAUTHENTICATED' });
    const u = await h.user('expired');
    const claims = jwt.decode(u.accessToken) as { sub: string };
    const secret = h.api.config.jwtSecret;
    const expired = jwt.sign({ sub: claims.sub, typ: 'access', iat: 1000, exp: 2000 }, secret, { algorithm: 'HS256' });
    await assert.rejects(h.connect(expired), { message: 'UNAUTHENTICATED' });
    const forged = jwt.sign({ sub: claims.sub, typ: 'access' }, 'another-secret-another-secret-xx', { algorithm: 'HS256', expiresIn: 60 });
    await assert.rejects(h.connect(forged), { message: 'UNAUTHENTICATED' });
  });

  test('a socket is closed by the server when its access token expires', async () => {
    const u = await h.user('shortlived');
    const claims = jwt.decode(u.accessToken) as { sub: string };
    const now = Math.floor(Date.now() / 1000);
    const short = jwt.sign({ sub: claims.sub, typ: 'access', iat: now, exp: now + 2 }, h.api.config.jwtSecret, { algorithm: 'HS256' });
    const s = await h.connect(short);
    const t0 = Date.now();
    const reason = await new Promise<string>((r) => s.once('disconnect', (why) => r(why)));
    assert.equal(reason, 'io server disconnect');
    assert.ok(Date.now() - t0 < 3500, `closed after ${Date.now() - t0} ms`);
    await assert.rejects(h.connect(short), { message: 'UNAUTHENTICATED' });
  });

  test('an Origin outside the allowlist is refused; an allowed one connects', async () => {
    const u = await h.user('origin');
    await assert.rejects(h.connect(u.accessToken, { origin: 'https://evil.example' }), { message: 'FORBIDDEN' });
    const ok = await h.connect(u.accessToken, { origin: h.api.config.allowedOrigins[0] });
    assert.equal(ok.connected, true);
  });
});

describe('bad input is refused at the edge', () => {
  test('malformed payloads get VALIDATION, nothing is stored, the server keeps serving', async () => {
    const [a, b] = await Promise.all([h.user('fuzzer'), h.user('witness')]);
    const room = await group(a, [b]);
    const sa = await h.connect(a.accessToken);
    const sb = await h.connect(b.accessToken);
    const atB = collect(sb, room.id);

    let deep: unknown = 'x';
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    const bad: unknown[] = [
      undefined,
      null,
      'a string',
      42,
      [room.id, 'id', 'text'],
      {},
      { roomId: room.id, clientMsgId: 'c1' },
      { roomId: room.id, content: 'no id' },
      { roomId: 'not-a-uuid', clientMsgId: 'c2', content: 'x' },
      { roomId: room.id, clientMsgId: 12, content: 'x' },
      { roomId: room.id, clientMsgId: 'c3', content: 12345 },
      { roomId: room.id, clientMsgId: 'c4', content: '   ' },
      { roomId: room.id, clientMsgId: 'c5', content: 'x'.repeat(4001) },
      { roomId: room.id, clientMsgId: 'c6', content: deep },
      { roomId: room.id, clientMsgId: 'c7', content: 'x', extra: deep },
      JSON.parse(`{"roomId":"${room.id}","clientMsgId":"c8","content":"x","__proto__":{"isAdmin":true}}`),
      { roomId: room.id, clientMsgId: 'c9', content: 'x', contentType: 'html' },
      { roomId: room.id, clientMsgId: 'has spaces', content: 'x' },
      { roomId: room.id, clientMsgId: 'c10', content: 'nul \u0000 byte' },
      { roomId: room.id, clientMsgId: 'c11', content: 'bell \u0007' },
    ];
    for (const payload of bad) {
      const r = await call(sa, 'message:send', payload);
      assert.equal(r.ok, false, `accepted: ${JSON.stringify(payload)?.slice(0, 80)}`);
      assert.equal(r.error?.code, 'VALIDATION', JSON.stringify(r));
    }
    for (const [event, payload] of [
      ['room:sync', { roomId: room.id, afterSeq: -1 }],
      ['room:sync', { roomId: room.id, afterSeq: 0, limit: 100000 }],
      ['room:read', { roomId: room.id, seq: 'one' }],
      ['typing', { roomId: room.id, isTyping: 'yes' }],
      ['presence:set', { status: 'invisible' }],
    ] as const) {
      assert.equal((await call(sa, event, payload)).error?.code, 'VALIDATION', `${event} ${JSON.stringify(payload)}`);
    }
    // An event without an ack callback, and an unknown event, are ignored without harm.
    (sa.emit as unknown as (e: string, p: unknown) => void)('message:send', { roomId: room.id });
    (sa.emit as unknown as (e: string, p: unknown) => void)('no:such:event', { x: 1 });

    // Still connected, still served, nothing was stored.
    assert.equal(sa.connected, true);
    const good = await call(sa, 'message:send', { roomId: room.id, clientMsgId: 'good-1', content: 'finally' });
    assert.equal(good.ok, true);
    assert.equal((good.message as Message).seq, 1, 'a refused payload must not have used a seq');
    await until(() => atB.length === 1);
    assert.equal(atB[0]!.content, 'finally');
  });

  test('a frame over 64 KB closes only that connection; nothing stored, others still served', async () => {
    const [a, b] = await Promise.all([h.user('big'), h.user('other')]);
    const room = await group(a, [b]);
    const sa = await h.connect(a.accessToken);
    const sb = await h.connect(b.accessToken);
    const closed = new Promise<string>((r) => sa.once('disconnect', (reason) => r(reason)));
    sa.emit('message:send', { roomId: room.id, clientMsgId: 'huge', content: 'x'.repeat(1024 * 1024) } as never, () => undefined);
    assert.equal(await closed, 'transport close');
    const ok = await call(sb, 'message:send', { roomId: room.id, clientMsgId: 'after-huge', content: 'still here' });
    assert.equal(ok.ok, true);
    assert.equal((ok.message as Message).seq, 1);
    const s2 = await h.connect(a.accessToken);
    const sync = await call(s2, 'room:sync', { roomId: room.id, afterSeq: 0 });
    assert.deepEqual(
      (sync.messages as Message[]).map((m) => m.clientMsgId),
      ['after-huge'],
    );
  });

  test('sending faster than the budget gets RATE_LIMITED', async () => {
    // A slow refill: the allowance below is bounded by the time the sends really took.
    const strict = await ApiHarness.start({ RATE_LIMIT_MESSAGES_PER_SEC: '1', RATE_LIMIT_MESSAGES_BURST: '20' });
    try {
      const [a, b] = await Promise.all([strict.user('flood'), strict.user('calm')]);
      const r = await strict.http<MyRoom>('POST', '/rooms', { token: a.accessToken, body: { kind: 'direct', userId: b.user.id } });
      const sa = await strict.connect(a.accessToken);
      const started = performance.now();
      const acks = await Promise.all(
        Array.from({ length: 30 }, (_, i) => sendUntilAcked(sa, { roomId: r.body.id, clientMsgId: `f${i}`, content: 'spam' })),
      );
      const tookSec = (performance.now() - started) / 1000;
      const ok = acks.filter((x) => x.ok).length;
      const limited = acks.filter((x) => x.error?.code === 'RATE_LIMITED').length;
      const allowance = 20 + Math.floor(tookSec) + 1;
      assert.ok(allowance < 30, `the 30 sends took ${tookSec.toFixed(1)} s: too slow to show a limit`);
      assert.ok(ok >= 20 && ok <= allowance, `allowed ${ok} of 30 in ${tookSec.toFixed(2)} s (burst 20 + 1/s)`);
      assert.equal(ok + limited, 30);
    } finally {
      await strict.stop();
    }
  });
});

describe('presence, typing and read state', () => {
  test('typing reaches the others and expires by itself within 5 s', async () => {
    const [a, b] = await Promise.all([h.user('typist'), h.user('watcher')]);
    const room = await group(a, [b]);
    const [sa, sb] = await Promise.all([h.connect(a.accessToken), h.connect(b.accessToken)]);
    const started = waitFor<TypingEvent>(sb, 'typing', (e) => e.roomId === room.id && e.isTyping);
    assert.equal((await call(sa, 'typing', { roomId: room.id, isTyping: true })).ok, true);
    const t0 = Date.now();
    assert.equal((await started).userId, a.user.id);
    const stopped = await waitFor<TypingEvent>(sb, 'typing', (e) => e.roomId === room.id && !e.isTyping, 9000);
    const elapsed = Date.now() - t0;
    assert.equal(stopped.userId, a.user.id);
    // Not before its 5 s; after it, within the 0.5 s sweep plus what a loaded machine adds.
    assert.ok(elapsed >= 4500 && elapsed <= 8000, `expired after ${elapsed} ms`);
  });

  test('presence is aggregated over devices and told to people who share a room', async () => {
    const [a, b] = await Promise.all([h.user('present'), h.user('observer')]);
    await group(a, [b]);
    const sb = await h.connect(b.accessToken);
    const online = waitFor<PresenceEvent>(sb, 'presence', (e) => e.userId === a.user.id && e.status === 'online');
    const phone = await h.connect(a.accessToken);
    await online;
    const laptop = await h.connect(a.accessToken);
    const away = waitFor<PresenceEvent>(sb, 'presence', (e) => e.userId === a.user.id && e.status === 'away', 3000);
    await call(phone, 'presence:set', { status: 'away' });
    await assert.rejects(away, /no presence/, 'one device away while another is online must stay online');
    const offline = waitFor<PresenceEvent>(sb, 'presence', (e) => e.userId === a.user.id && e.status === 'offline');
    phone.disconnect();
    await sleep(300);
    laptop.disconnect();
    const ev = await offline;
    assert.ok(ev.lastSeen && !Number.isNaN(Date.parse(ev.lastSeen)));
    const members = await h.http<{ userId: string; presence: string }[]>(
      'GET',
      `/rooms/${(await h.http<MyRoom[]>('GET', '/rooms', { token: b.accessToken })).body[0]!.id}/members`,
      { token: b.accessToken },
    );
    assert.equal(members.body.find((m) => m.userId === a.user.id)?.presence, 'offline');
  });

  test("a direct room carries the peer's presence as of reading it", async () => {
    const [a, b] = await Promise.all([h.user('peer'), h.user('looker')]);
    const dm = (await h.http<MyRoom>('POST', '/rooms', { token: b.accessToken, body: { kind: 'direct', userId: a.user.id } })).body;
    assert.equal(dm.peerPresence, 'offline');
    const s = await h.connect(a.accessToken);
    const seen = (await h.http<MyRoom[]>('GET', '/rooms', { token: b.accessToken })).body.find((r) => r.id === dm.id);
    assert.equal(seen?.peerPresence, 'online');
    s.disconnect();
  });

  test('room:read moves the marker, updates unread counts and tells my other devices', async () => {
    const [a, b] = await Promise.all([h.user('writer'), h.user('reader')]);
    const room = await group(a, [b]);
    const sa = await h.connect(a.accessToken);
    for (let i = 0; i < 4; i++) await call(sa, 'message:send', { roomId: room.id, clientMsgId: `r${i}`, content: `${i}` });
    const before = (await h.http<MyRoom[]>('GET', '/rooms', { token: b.accessToken })).body.find((r) => r.id === room.id)!;
    assert.equal(before.unreadCount, 4);
    const [d1, d2] = await Promise.all([h.connect(b.accessToken), h.connect(b.accessToken)]);
    const told = waitFor<{ roomId: string; readSeq: number }>(d2, 'room:read', (e) => e.roomId === room.id);
    const r = await call(d1, 'room:read', { roomId: room.id, seq: 3 });
    assert.equal(r.readSeq, 3);
    assert.equal((await told).readSeq, 3);
    const afterRead = (await h.http<MyRoom[]>('GET', '/rooms', { token: b.accessToken })).body.find((x) => x.id === room.id)!;
    assert.equal(afterRead.unreadCount, 1);
  });

  test('a room I am added to reaches my sockets at once (room:added, then its messages)', async () => {
    const [a, b] = await Promise.all([h.user('inviter'), h.user('invitee')]);
    const sb = await h.connect(b.accessToken);
    const added = waitFor<MyRoom>(sb, 'room:added');
    const room = await group(a, [b], 'fresh');
    assert.equal((await added).id, room.id);
    const sa = await h.connect(a.accessToken);
    const got = waitFor<Message>(sb, 'message:new', (m) => m.roomId === room.id);
    await call(sa, 'message:send', { roomId: room.id, clientMsgId: 'welcome', content: 'welcome!' });
    assert.equal((await got).content, 'welcome!');
  });
});

describe('shutdown', () => {
  test('a graceful stop tells connected clients to go (they reconnect elsewhere and catch up)', async () => {
    const own = await ApiHarness.start();
    const people = await Promise.all(Array.from({ length: 5 }, (_, i) => own.user(`drained${i}`)));
    const sockets = await Promise.all(people.map((u) => own.connect(u.accessToken)));
    const reasons = sockets.map((s) => new Promise<string>((r) => s.once('disconnect', (why) => r(why))));
    // Each disconnect writes the person's last-seen time while the database is being closed:
    // closing must wait for those queries, not hand their busy connections to the next one.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      await own.api.close();
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(await Promise.all(reasons), Array(5).fill('io server disconnect'));
    assert.deepEqual(
      warnings.filter((w) => /already executing a query/.test(w)),
      [],
    );
    await own.stop();
  });
});
