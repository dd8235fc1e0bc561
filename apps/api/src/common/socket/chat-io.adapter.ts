import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplicationContext } from '@nestjs/common';
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
}
