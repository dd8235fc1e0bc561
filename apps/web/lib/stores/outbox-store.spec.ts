import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '@qc/shared';
import { OutboxStore, type OutboxTransport } from './outbox-store';
import { msg, ROOM, settle } from './spec-helpers';

class CodedError extends Error {
  constructor(
    readonly code: string,
    message: string,
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
  let answer: 'ok' | 'timeout' | 'rate' = 'ok';
  const transport: OutboxTransport = {
    isConnected: () => connected,
    send: async (payload) => {
      const { clientMsgId, content } = payload;
      attempts.push(clientMsgId);
      payloads.push(payload);
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
  );
  return { outbox, landed, notices };
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
