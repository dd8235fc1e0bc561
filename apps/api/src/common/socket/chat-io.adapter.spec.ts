import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { from, isObservable, mergeAll, of, type Observable } from 'rxjs';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { LIMITS } from '@qc/shared';
import { loadConfig, type ChatServer } from '@qc/core';
import { ChatIoAdapter } from './chat-io.adapter';

type ServerSocket = Parameters<ChatIoAdapter['bindMessageHandlers']>[0];

/** What Nest's WebSocketsController hands the adapter as `transform`: any handler result as an observable. */
const nestTransform = (result: unknown): Observable<unknown> =>
  from(
    Promise.resolve(result).then((r) => (isObservable(r) ? r : r instanceof Promise ? from(r) : of(r))) as Promise<Observable<unknown>>,
  ).pipe(mergeAll());

/**
 * The handlers of two "gateways" as Nest binds them for each socket: a fresh function per
 * socket, bound to it (Nest's `callback.bind(instance, client)`).
 */
function gatewaysFor(socket: ServerSocket): MessageMappingProperties[][] {
  const handler = (message: string, fn: (data: unknown) => unknown): MessageMappingProperties => ({
    message,
    methodName: message,
    isAckHandledManually: false,
    callback: ((data: unknown) => fn(data)) as MessageMappingProperties['callback'],
  });
  return [
    [handler('whoami', async (data) => ({ ok: true, id: socket.id, data })), handler('tell', () => of({ event: 'told', data: socket.id }))],
    [handler('nothing', () => undefined)],
  ];
}

describe('ChatIoAdapter: what an idle socket costs', () => {
  let http: HttpServer;
  let server: ChatServer;
  let adapter: ChatIoAdapter;
  const clients: ClientSocket[] = [];

  before(async () => {
    http = createServer();
    // AbstractWsAdapter takes an HTTP server where Nest would give it the application.
    adapter = new ChatIoAdapter(http as unknown as INestApplicationContext, loadConfig({ QC_DATA_DIR: '/tmp/qc-unused' }), () => undefined);
    server = adapter.create(0) as unknown as ChatServer;
    server.on('connection', (socket) => {
      for (const handlers of gatewaysFor(socket as unknown as ServerSocket))
        adapter.bindMessageHandlers(socket as unknown as ServerSocket, handlers, nestTransform);
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    for (let i = 0; i < 3; i++) {
      const c = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
      clients.push(c);
      await new Promise<void>((r, j) => {
        c.once('connect', r);
        c.once('connect_error', j);
      });
    }
  });

  after(async () => {
    for (const c of clients) c.disconnect();
    await new Promise<void>((r) => server.close(() => r()));
  });

  test('no compression context and no recovery buffer per socket; frames capped at the payload limit', () => {
    const engine = (server as unknown as { engine: { opts: Record<string, unknown> } }).engine.opts;
    assert.equal(engine.perMessageDeflate, false);
    assert.equal(engine.maxHttpBufferSize, LIMITS.socketPayloadMaxBytes);
    assert.equal((server as unknown as { opts: Record<string, unknown> }).opts.connectionStateRecovery, undefined);
  });

  test('every socket shares one listener per client event: nothing of its own but the handlers Nest bound to it', () => {
    const sockets = [...server.sockets.sockets.values()];
    assert.equal(sockets.length, 3);
    for (const event of ['whoami', 'tell', 'nothing']) {
      const listeners = sockets.map((s) => s.listeners(event as 'typing'));
      // Before: Nest's IoAdapter gave each socket an RxJS pipeline per event (~4 KiB each).
      const shared = listeners[0]?.[0];
      assert.ok(shared && listeners.every((l) => l.length === 1 && l[0] === shared), `${event}: a listener per socket`);
    }
  });

  test('each socket is answered by its own handlers, as Nest answers: the result is the ack, a named event is emitted', async () => {
    for (const c of clients) {
      const answer = (await c.timeout(2000).emitWithAck('whoami', { n: 1 })) as { ok: boolean; id: string; data: unknown };
      assert.deepEqual(answer, { ok: true, id: answer.id, data: { n: 1 } });
      const told = new Promise((r) => c.once('told', r));
      c.emit('tell');
      assert.equal(await told, answer.id);
    }
    assert.deepEqual(new Set(await Promise.all(clients.map((c) => c.timeout(2000).emitWithAck('whoami', 0)))).size, 3);
  });

  test('a handler that answers nothing sends no ack', async () => {
    const [c] = clients;
    assert.ok(c);
    await assert.rejects(c.timeout(300).emitWithAck('nothing', {}), /operation has timed out/);
  });

  test('an event answered by two gateways is refused, not acked twice', () => {
    const socket = [...server.sockets.sockets.values()][0] as unknown as ServerSocket;
    const [first] = gatewaysFor(socket);
    assert.ok(first);
    assert.throws(() => adapter.bindMessageHandlers(socket, first, nestTransform), /socket event "whoami" is answered by two gateways/);
  });
});
