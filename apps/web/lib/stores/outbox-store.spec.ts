import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@qc/shared';
import { OutboxStore, retryWaitMs, unavailableBackoffMs, type OutboxTransport } from './outbox-store';
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

/** A server that stores each clientMsgId once (the idempotent send) and answers as the spec says. */
function fakeServer() {
  const stored = new Map<string, Message>();
  const attempts: string[] = [];
  const payloads: Parameters<OutboxTransport['send']>[0][] = [];
  let connected = true;
  let answer: 'ok' | 'timeout' | 'rate' | 'unavailable' | 'overloaded' = 'ok';
  const transport: OutboxTransport = {
    isConnected: () => connected,
    send: async (payload) => {
      const { clientMsgId, content } = payload;
      attempts.push(clientMsgId);
      payloads.push(payload);
      // The database is away: nothing is stored.
      if (answer === 'unavailable') throw new CodedError('UNAVAILABLE', 'the database is not answering right now');
      if (answer === 'overloaded') throw new CodedError('OVERLOADED', 'the server is busier than it can answer in time', 3000);
      const message = stored.get(clientMsgId) ?? msg(stored.size + 1, { clientMsgId, content, senderId: 'me' });
      stored.set(clientMsgId, message);
      if (answer === 'timeout') throw new CodedError('TIMEOUT', 'The server did not answer in time.');
      if (answer === 'rate') throw new CodedError('RATE_LIMITED', 'slow down');
      return message;
    },
  };
  return {
    transport,
    stored,
    attempts,
    payloads,
    setConnected: (v: boolean) => void (connected = v),
    setAnswer: (v: typeof answer) => void (answer = v),
  };
}

function makeOutbox(server: ReturnType<typeof fakeServer>) {
  const landed: Message[] = [];
  const notices: string[] = [];
  /** Tries put off for later, with their delay; the spec runs them when it chooses. */
  const later: { fn: () => void; ms: number }[] = [];
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
    () => `cmid-${(n += 1)}`,
    () => new Date(),
    (fn, ms) => void later.push({ fn, ms }),
  );
  return { outbox, landed, notices, later };
}

describe('OutboxStore', () => {
  it('keeps a send the server could not store (UNAVAILABLE) pending and sends it again by itself, backing off, with the same clientMsgId', async () => {
    const server = fakeServer();
    const { outbox, landed, notices, later } = makeOutbox(server);
    server.setAnswer('unavailable');
    outbox.send(ROOM, 'during the outage');
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending', 'not failed: nobody has to press Retry');
    assert.equal(notices.length, 1);
    later.shift()!.fn();
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    assert.equal(notices.length, 1, 'told once, not on every try');
    server.setAnswer('ok');
    const next = later.shift()!;
    next.fn();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1', 'cmid-1']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['during the outage'],
    );
    assert.deepEqual(outbox.forRoom(ROOM), []);
    assert.equal(later.length, 0, 'nothing more scheduled once stored');
  });

  it('keeps a send refused OVERLOADED pending and sends it again after the wait the server named, spread, with the same clientMsgId', async () => {
    const server = fakeServer();
    const { outbox, landed, later } = makeOutbox(server);
    server.setAnswer('overloaded');
    outbox.send(ROOM, 'at the peak');
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    const wait = later[0]!.ms;
    assert.ok(wait >= 3000 && wait <= 4500, `waits what the server asked, spread by up to half again (${wait} ms)`);
    server.setAnswer('ok');
    later.shift()!.fn();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1']);
    assert.deepEqual(
      landed.map((m) => m.content),
      ['at the peak'],
    );
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

  it('shows a send as pending at once and settles it when stored', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    outbox.send(ROOM, 'hello');
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');
    await settle();
    assert.equal(landed.length, 1);
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('waits for the connection, then resends after reconnect with the same clientMsgId, landing once', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    server.setConnected(false);
    outbox.send(ROOM, 'written offline');
    await settle();
    assert.deepEqual(server.attempts, [], 'nothing goes out while offline');
    assert.equal(outbox.forRoom(ROOM)[0]!.status, 'pending');

    server.setConnected(true);
    outbox.resendAfterReconnect();
    outbox.resendAfterReconnect(); // a second connect event while the first send is on its way
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1']);
    assert.equal(server.stored.size, 1);
    assert.equal(landed.length, 1);
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('a send whose answer was lost is resent after reconnect with the same id, and the server keeps one', async () => {
    const server = fakeServer();
    const { outbox, landed } = makeOutbox(server);
    server.setAnswer('timeout');
    outbox.send(ROOM, 'did this arrive?');
    await settle();
    const failed = outbox.forRoom(ROOM)[0]!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'TIMEOUT');

    server.setAnswer('ok');
    outbox.resendAfterReconnect();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1']);
    assert.equal(server.stored.size, 1, 'stored once');
    assert.equal(landed.length, 1);
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('Retry sends a failed message again under its clientMsgId; a refusal is not resent by itself', async () => {
    const server = fakeServer();
    const { outbox, notices } = makeOutbox(server);
    server.setAnswer('rate');
    outbox.send(ROOM, 'quick');
    await settle();
    assert.equal(outbox.forRoom(ROOM)[0]!.error?.code, 'RATE_LIMITED');
    assert.equal(notices.length, 1);
    outbox.resendAfterReconnect();
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1'], 'people decide about a refusal');

    server.setAnswer('ok');
    outbox.retry(ROOM, 'cmid-1');
    await settle();
    assert.deepEqual(server.attempts, ['cmid-1', 'cmid-1']);
    assert.deepEqual(outbox.forRoom(ROOM), []);
  });

  it('discards a failed message', async () => {
    const server = fakeServer();
    const { outbox } = makeOutbox(server);
    server.setAnswer('timeout');
    outbox.send(ROOM, 'never mind');
    await settle();
    outbox.discard(ROOM, 'cmid-1');
    assert.deepEqual(outbox.getState(), {});
  });

  it('a reply in a thread, or under a quote, keeps its thread and quote when it is retried', async () => {
    const server = fakeServer();
    const { outbox } = makeOutbox(server);
    server.setAnswer('timeout');
    const pending = outbox.send(ROOM, 'in the thread', { threadRootId: 'root-1', replyTo: 'quoted-1' });
    assert.equal(pending.threadRootId, 'root-1');
    await settle();
    server.setAnswer('ok');
    outbox.retry(ROOM, 'cmid-1');
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
});
