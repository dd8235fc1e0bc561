import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplicationContext } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import type { Observable } from 'rxjs';
import type { ServerOptions } from 'socket.io';
import { LIMITS } from '@qc/shared';
import type { AppConfig, ChatServer } from '@qc/core';

/**
 * The node's one Socket.IO server, with the options that come from config (a gateway
 * decorator can only hold constants). Every feature gateway shares it. As it is created it
 * is handed to core (`attach`), which points fan-out at it and, across nodes, installs the
 * Redis adapter, before any socket can connect.
 */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly attach: (server: ChatServer) => void,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions) {
    const server = super.createIOServer(port, {
      ...options,
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: LIMITS.socketPayloadMaxBytes,
      pingInterval: 10_000,
      pingTimeout: 10_000,
      cors: { origin: this.config.allowedOrigins, credentials: true },
      // Said outright rather than left to engine.io's default: with compression, each socket
      // that exchanged a compressed frame keeps its own zlib streams (~256 KiB for deflate at
      // the default window), and recovery keeps every socket's missed packets; chat frames are
      // small, and a client catches up by room:sync instead.
      perMessageDeflate: false,
      connectionStateRecovery: undefined,
    }) as ChatServer;
    this.attach(server);
    return server;
  }

  /** Per client event, the one listener every socket shares, and what it needs from Nest. */
  private readonly events = new Map<string, SharedEvent>();
  /** Per socket, Nest's handler of each client event (bound by Nest to the gateway and the socket), by the event's slot. */
  private readonly handlersOf = new WeakMap<object, BoundHandler[]>();

  /**
   * Why not Nest's own: its IoAdapter binds every handler of every socket as an RxJS pipeline
   * (fromEvent → mergeMap → takeUntil(disconnect$) → subscribe): a few subscribers and some
   * twenty closures and contexts per event per socket, held for the socket's life. With eleven
   * client events that was ~45 of the ~60 KiB of heap an idle connection cost (bench/README.md,
   * "What a connection costs"). Here each event has ONE listener function shared by every socket
   * (`this` is the socket it fires on), and a socket keeps only Nest's handlers in an array; the
   * pipeline is built only while an event is answered. It answers as Nest does: the handler's
   * result is the ack, a result naming an `event` is emitted instead, nil sends nothing.
   * takeUntil(disconnect$) is not needed: Socket.IO dispatches nothing to a socket after its
   * disconnect, and the listeners go with the socket.
   */
  override bindMessageHandlers(
    // Nest's own copy of socket.io's types (platform-socket.io pins its own socket.io).
    socket: Parameters<IoAdapter['bindMessageHandlers']>[0],
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ) {
    let mine = this.handlersOf.get(socket);
    if (!mine) this.handlersOf.set(socket, (mine = []));
    for (const { message, callback, isAckHandledManually } of handlers) {
      const event = String(message);
      const shared = this.events.get(event) ?? this.shareEvent(event, isAckHandledManually, transform);
      // Two gateways answering one event would ack it twice (the client keeps the first): refused, not raced.
      if (mine[shared.slot]) throw new Error(`socket event "${event}" is answered by two gateways`);
      mine[shared.slot] = callback;
      socket.on(event, shared.listener);
    }
  }

  private shareEvent(event: string, isAckHandledManually: boolean, transform: (data: unknown) => Observable<unknown>): SharedEvent {
    const slot = this.events.size;
    const handlersOf = this.handlersOf;
    const mapPayload = (payload: unknown) => this.mapPayload(payload);
    const shared: SharedEvent = {
      slot,
      listener(this: EventSocket, ...args: unknown[]) {
        const handler = handlersOf.get(this)?.[slot];
        if (!handler) return;
        // What RxJS's fromEvent handed Nest: one argument as it is, several as an array.
        const { data, ack } = mapPayload(args.length > 1 ? args : args[0]);
        transform(handler(data, ack)).subscribe((response) => {
          if (response === null || response === undefined) return;
          const named = response as { event?: string; data?: unknown };
          if (named.event) this.emit(named.event, named.data);
          else if (!isAckHandledManually && typeof ack === 'function') (ack as (answer: unknown) => void)(response);
        });
      },
    };
    this.events.set(event, shared);
    return shared;
  }
}

type BoundHandler = MessageMappingProperties['callback'];
type EventSocket = Parameters<IoAdapter['bindMessageHandlers']>[0];
interface SharedEvent {
  slot: number;
  listener: (this: EventSocket, ...args: unknown[]) => void;
}
