import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@qc/shared';
import { OutboxStore, RATE_LIMITED_TRIES, retryWaitMs, unavailableBackoffMs, verdictFor, type OutboxTransport } from './outbox-store';
import { msg, ROOM, settle } from './spec-helpers';

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type Answer = 'ok' | 'timeout' | 'lost' | 'rate' | 'unavailable' | 'overloaded' | 'forbidden' | 'hold';

/** A server that stores each clientMsgId once (the idempotent send) and answers as the spec says. */
function fakeServer() {
  const stored = new Map<string, Message>();
  const attempts: string[] = [];
  const payloads: Parameters<OutboxTransport['send']>[0][] = [];
  /** Sends answered `hold`: stored, their answer given when the spec says. */
  const held: (() => void)[] = [];
  let connected = true;
  let answer: Answer = 'ok';
  const store = (clientMsgId: string, content: string) => {
    const message = stored.get(clientMsgId) ?? msg(stored.size + 1, { clientMsgId, content, senderId: 'me' });
    stored.set(clientMsgId, message);
    return message;
  };
  const transport: OutboxTransport = {
    isConnected: () => connected,
    send: async (payload) => {
      const { clientMsgId, content } = payload;
      attempts.push(clientMsgId);
      payloads.push(payload);
      // Refused before anything is stored.
      if (answer === 'unavailable') throw new CodedError('UNAVAILABLE', 'the database is not answering right now');
      if (answer === 'overloaded') throw new CodedError('OVERLOADED', 'the server is busier than it can answer in time', 3000);
      if (answer === 'rate') throw new CodedError('RATE_LIMITED', 'slow down: try again in 0.5 s', 500);
      if (answer === 'forbidden') throw new CodedError('FORBIDDEN', 'you are not a member of this room');
      const message = store(clientMsgId, content);
      // Stored, but the answer never came (no ack in time), or the connection went with it.
      if (answer === 'timeout') throw new CodedError('TIMEOUT', 'The server did not answer in time.');
      if (answer === 'lost') {
        connected = false;
        throw new CodedError('TIMEOUT', 'socket has been disconnected');
      }
      if (answer === 'hold') return new Promise<Message>((resolve) => held.push(() => resolve(message)));
      return message;
    },
  };
  return {
    transport,
    stored,
    attempts,
    payloads,
    held,
    setConnected: (v: boolean) => void (connected = v),
    setAnswer: (v: Answer) => void (answer = v),
  };
}

function makeOutbox(server: ReturnType<typeof fakeServer>) {
  const landed: Message[] = [];
  const notices: string[] = [];
  /** Tries put off for later, with their delay; the spec runs them when it chooses. */
  const later: { fn: () => void; ms: number; live: boolean }[] = [];
  let n = 0;
  const outbox: OutboxStore = new OutboxStore(
    server.transport,
    {
      onStored: (m) => {
        landed.push(m);
        outbox.settle(m.roomId, [m]);
      },
      onNotice: (t) => notices.push(t),
    },
    {
      newId: () => `cmid-${(n += 1)}`,
      schedule: (fn, ms) => {
        const timer = { fn, ms, live: true };
        later.push(timer);
        return () => void (timer.live = false);
      },
    },
  );
  /** Runs the next timer that is still live (the wait is over). */
  const runNext = () => {
    const timer = later.filter((t) => t.live)[0];
    assert.ok(timer, 'a try is scheduled');
    timer.live = false;
    timer.fn();
  };
  const liveTimers = () => later.filter((t) => t.live);
  return { outbox, landed, notices, later, runNext, liveTimers };
}

describe('OutboxStore', () => {
  it('shows a send as pending at once and settles it when stored', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    outbox.send(ROOM, 'hello');
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    await settle();
    assert.equal(landed.length, 1);
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('keeps what is written offline pending, then on reconnect sends it in the order written, with the original ids, each once', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    server.setConnected(false);
    const written = ['first while offline', 'second while offline', 'third while offline'].map((t) => outbox.send(ROOM, t));
    await settle();
    assert.deepEqual(server.attempts, [], 'nothing goes out while offline');
    assert.deepEqual(
      outbox.forRoom(ROOM).map((p) => p.status),
      ['pending', 'pending', 'pending'],
    );

    server.setConnected(true);
    outbox.resendAfterReconnect();
    outbox.resendAfterReconnect(); // a second connect event while the first send is on its way
    for (let i = 0; i < 5; i += 1) await settle();
    assert.deepEqual(
      server.attempts,
      written.map((p) => p.clientMsgId),
    );
    assert.deepEqual(
      landed.map((m) => m.content),
      ['first while offline', 'second while offline', 'third while offline'],
    );
    assert.deepEqual(outbox.getState(), {});
  });

  it('sends a room one message at a time: the next goes only once the one before is stored', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    server.setAnswer('hold');
    outbox.send(ROOM, 'one');
    outbox.send(ROOM, 'two');
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1'], 'two waits its turn');
    server.setAnswer('ok');
    server.held.shift()!();
    for (let i = 0; i < 3; i += 1) await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-2']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['one', 'two'],
    );
  });

  it('a send whose answer never came stays pending (not "Not sent") and goes again by itself with the same id; the server keeps one', async () => {
    const server = fakeServer();
    const { outbox, landed, runNext } = makeOutbox(server);
    server.setAnswer('timeout');
    outbox.send(ROOM, 'did this arrive?');
    outbox.send(ROOM, 'written after it');
    await settle();
    assert.deepEqual(
      outbox.forRoom(ROOM).map((p) => [p.status, p.error]),
      [
        ['pending', null],
        ['pending', null],
      ],
    );
    assert.deepEqual(server.attempts, ['cmid-1'], 'the next does not overtake it');

    server.setAnswer('ok');
    runNext();
    for (let i = 0; i < 4; i += 1) await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1', 'cmid-2']);
    assert.equal(server.stored.size, 2, 'stored once each');
    assert.deepEqual(
      landed.map((m) => m.content),
      ['did this arrive?', 'written after it'],
    );
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('a send cut off by a disconnect waits for the reconnect (no timer) and is resent then, before what was written after it', async () => {
    const server = fakeServer();
    const { outbox, landed, liveTimers } = makeOutbox(server);
    server.setAnswer('lost');
    outbox.send(ROOM, 'as the line went');
    await settle();
    outbox.send(ROOM, 'written offline');
    await settle();
    assert.deepEqual(
      outbox.forRoom(ROOM).map((p) => p.status),
      ['pending', 'pending'],
    );
    assert.equal(liveTimers().length, 0, 'nothing to try until there is a connection');

    server.setAnswer('ok');
    server.setConnected(true);
    outbox.resendAfterReconnect();
    for (let i = 0; i < 4; i += 1) await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1', 'cmid-2']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['as the line went', 'written offline'],
    );
  });

  it('a reconnect ends a wait because of the connection at once', async () => {
    const server = fakeServer();
    const { outbox, landed, liveTimers } = makeOutbox(server);
    server.setAnswer('timeout');
    outbox.send(ROOM, 'slow answer');
    await settle();
    assert.equal(liveTimers().length, 1);
    server.setAnswer('ok');
    outbox.resendAfterReconnect();
    await settle();
    assert.equal(liveTimers().length, 0, 'the timer is cancelled');
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1']);
    assert.equal(landed.length, 1);
  });

  it('a message refused with a code stays failed, is not resent on reconnect, and the ones after it still go', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    server.setAnswer('forbidden');
    outbox.send(ROOM, 'refused');
    await settle();
    server.setAnswer('ok');
    outbox.send(ROOM, 'fine');
    for (let i = 0; i < 3; i += 1) await settle();
    const [failed, ...rest] = outbox.forRoom(ROOM);
    assert.equal(failed!.status, 'failed');
    assert.deepEqual(failed!.error, { code: 'FORBIDDEN', message: 'you are not a member of this room' });
    assert.deepEqual(rest, []);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['fine'],
    );

    outbox.resendAfterReconnect();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-2'], 'people decide about a refusal');

    outbox.retry(ROOM, 'cmid-1');
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-2', 'cmid-1'], 'Retry sends it under its own clientMsgId');
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it(`tries a RATE_LIMITED send ${RATE_LIMITED_TRIES} times after the wait the server names, then shows it failed with Retry`, async () => {
    const server = fakeServer();
    const { outbox, notices, later, runNext } = makeOutbox(server);
    server.setAnswer('rate');
    outbox.send(ROOM, 'quick');
    await settle();
    for (let i = 1; i < RATE_LIMITED_TRIES; i += 1) {
      assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending', `still pending after ${i} refusal(s)`);
      assert.ok(later[i - 1]!.ms >= 500, 'waits at least what the server asked');
      runNext();
      await settle();
    }
    assert.equal(server.attempts.length, RATE_LIMITED_TRIES);
    assert.equal(outbox.forRoom(ROOM)[0]!.error?.code, 'RATE_LIMITED');
    assert.equal(notices.length, 1);

    server.setAnswer('ok');
    outbox.retry(ROOM, 'cmid-1');
    await settle();
    assert.deepEqual(new Set(server.attempts), new Set(['cmid-1']));
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('keeps a send the server could not store (UNAVAILABLE) pending and sends it again by itself, backing off, with the same clientMsgId', async () => {
    const server = fakeServer();
    const { outbox, landed, notices, later, runNext } = makeOutbox(server);
    server.setAnswer('unavailable');
    outbox.send(ROOM, 'during the outage');
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending', 'not failed: nobody has to press Retry');
    assert.equal(notices.length, 1);
    runNext();
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    assert.equal(notices.length, 1, 'told once, not on every try');
    assert.deepEqual(
      later.map((t) => t.ms),
      [1000, 2000],
    );
    server.setAnswer('ok');
    runNext();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1', 'cmid-1']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['during the outage'],
    );
    assert.deepEqual(outbox.forRoom(ROOM), []);
    assert.equal(later.filter((t) => t.live).length, 0, 'nothing more scheduled once stored');
  });

  it('backs off on OVERLOADED for the wait the server named, spread, keeps that wait across a reconnect, and resends with the same clientMsgId', async () => {
    const server = fakeServer();
    const { outbox, landed, later, runNext } = makeOutbox(server);
    server.setAnswer('overloaded');
    outbox.send(ROOM, 'at the peak');
    outbox.send(ROOM, 'right after');
    await settle();
    assert.deepEqual(
      outbox.forRoom(ROOM).map((p) => p.status),
      ['pending', 'pending'],
    );
    const wait = later[0]!.ms;
    assert.ok(wait >= 3000 && wait <= 4500, `waits what the server asked, spread by up to half again (${wait} ms)`);
    server.setAnswer('ok');
    outbox.resendAfterReconnect();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1'], "a reconnect does not cut the server's wait short, nor let the next overtake");
    runNext();
    for (let i = 0; i < 4; i += 1) await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1', 'cmid-2']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['at the peak', 'right after'],
    );
  });

  it('a message seen stored by another path while it waits to be tried again ends the wait, and the next goes', async () => {
    const server = fakeServer();
    const { outbox, landed, liveTimers } = makeOutbox(server);
    server.setAnswer('timeout');
    outbox.send(ROOM, 'its broadcast came, its ack did not');
    outbox.send(ROOM, 'next');
    await settle();
    server.setAnswer('ok');
    outbox.settle(ROOM, [server.stored.get('cmid-1')!]);
    await settle();
    assert.equal(liveTimers().length, 0);
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-2']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['next'],
    );
  });

  it('discards a failed message', async () => {
    const server = fakeServer();
    const { outbox } = makeOutbox(server);
    server.setAnswer('forbidden');
    outbox.send(ROOM, 'never mind');
    await settle();
    outbox.discard(ROOM, 'cmid-1');
    assert.deepEqual(outbox.getState(), {});
  });

  it('a reply in a thread, or under a quote, keeps its thread and quote when it is sent again', async () => {
    const server = fakeServer();
    const { outbox, runNext } = makeOutbox(server);
    server.setAnswer('timeout');
    const pending = outbox.send(ROOM, 'in the thread', { threadRootId: 'root-1', replyTo: 'quoted-1' });
    assert.equal(pending.threadRootId, 'root-1');
    await settle();
    server.setAnswer('ok');
    runNext();
    await settle();
    assert.deepEqual(
      server.payloads.map((p) => [p.clientMsgId, p.threadRootId, p.replyTo]),
      [
        ['cmid-1', 'root-1', 'quoted-1'],
        ['cmid-1', 'root-1', 'quoted-1'],
      ],
    );
    const plain = outbox.send(ROOM, 'in the room');
    assert.equal('threadRootId' in plain, false);
  });

  it('the verdict: no answer or no connection is never a refusal; a coded refusal is', () => {
    assert.deepEqual(verdictFor('TIMEOUT', 1, false), { kind: 'wait-for-connection' });
    assert.deepEqual(verdictFor('TIMEOUT', 3, true), { kind: 'retry', afterMs: 4000, cause: 'connection' });
    assert.equal(verdictFor('UNAVAILABLE', 9, true).kind, 'retry');
    assert.equal(verdictFor('OVERLOADED', 9, false).kind, 'retry');
    assert.equal(verdictFor('RATE_LIMITED', RATE_LIMITED_TRIES - 1, true, 500).kind, 'retry');
    assert.equal(verdictFor('RATE_LIMITED', RATE_LIMITED_TRIES, true, 500).kind, 'refused');
    for (const code of ['VALIDATION', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'INTERNAL'] as const)
      assert.deepEqual(verdictFor(code, 1, true), { kind: 'refused' }, code);
  });

  it("the retry wait is the server's, spread, and never less than our own backoff", () => {
    assert.equal(retryWaitMs(1, undefined), 1000);
    assert.equal(
      retryWaitMs(1, 3000, () => 0),
      3000,
    );
    assert.equal(
      retryWaitMs(1, 3000, () => 1),
      4500,
    );
    assert.equal(
      retryWaitMs(5, 1000, () => 0),
      15000,
      'five refusals in a row: our own backoff wins',
    );
  });

  it('backs off 1 s, 2 s, 4 s … and never waits more than 15 s between tries', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 10].map(unavailableBackoffMs), [1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });
});

describe('files', () => {
  it('go with the message as attachmentIds, on the first try and on a retry', async () => {
    const sent: unknown[] = [];
    let refuse = true;
    const store = new OutboxStore(
      {
        isConnected: () => true,
        send: async (payload) => {
          sent.push(payload);
          if (refuse) throw Object.assign(new Error('nope'), { code: 'VALIDATION' });
          return {
            ...payload,
            id: 'm1',
            seq: 1,
            senderId: 'me',
            contentType: 'image',
            replyTo: null,
            createdAt: new Date().toISOString(),
          } as unknown as Message;
        },
      },
      { onStored: () => undefined, onNotice: () => undefined },
      { newId: () => 'c1' },
    );
    const photo = {
      id: 'u1',
      name: 'a.jpg',
      size: 1,
      mimeType: 'image/jpeg',
      kind: 'image' as const,
      width: 1,
      height: 1,
      blurhash: null,
      thumbnails: [],
    };
    const pending = store.send('r1', '', { attachments: [photo] });
    assert.deepEqual(pending.attachments, [photo]);
    await new Promise((r) => setTimeout(r, 0));
    refuse = false;
    store.retry('r1', 'c1');
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(sent, [
      { roomId: 'r1', clientMsgId: 'c1', content: '', attachmentIds: ['u1'] },
      { roomId: 'r1', clientMsgId: 'c1', content: '', attachmentIds: ['u1'] },
    ]);
  });
});
