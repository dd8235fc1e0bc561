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
      connectionStateRecovery: undefined,
    }) as ChatServer;
    this.attach(server);
    return server;
  }

  /**
   * Why not Nest's own: its IoAdapter binds every handler of every socket as an RxJS pipeline
   * (fromEvent → mergeMap → takeUntil(disconnect$) → subscribe), a few subscribers and some
   * twenty closures and contexts per event per socket, held for the socket's life: with eleven
   * client events that was most of the ~60 KiB of heap an idle connection cost (bench/README.md,
   * "What a connection costs"). One plain listener per event answers the same way (the
   * handler's result is the ack; a result naming an `event` is emitted instead; nothing is sent
   * for nil) and builds its pipeline only while an event is being answered. takeUntil(disconnect$)
   * is not needed: Socket.IO dispatches nothing to a socket after its disconnect, and the
   * listeners go with the socket.
   */
  override bindMessageHandlers(
    // Nest's own copy of socket.io's types (platform-socket.io pins its own socket.io).
    socket: Parameters<IoAdapter['bindMessageHandlers']>[0],
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ) {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // What RxJS's fromEvent handed Nest: one argument as it is, several as an array.
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        transform(callback(data, ack)).subscribe((response) => {
          if (response === null || response === undefined) return;
          const named = response as { event?: string; data?: unknown };
          if (named.event) socket.emit(named.event, named.data);
          else if (!isAckHandledManually && typeof ack === 'function') (ack as (answer: unknown) => void)(response);
        });
      });
    }
  }
}
