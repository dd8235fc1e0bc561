import { IoAdapter } from '@nestjs/platform-socket.io';
import type { INestApplicationContext } from '@nestjs/common';
import type { ServerOptions } from 'socket.io';
import { LIMITS } from '@qc/shared';
import type { AppConfig, RedisSocketBus } from '@qc/core';

/** Socket.IO server options that come from config (the gateway decorator can only hold constants). */
export class ChatIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly bus: RedisSocketBus | null,
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
    });
    // Across nodes, broadcasts to rooms and users travel through Redis.
    if (this.bus) server.adapter(this.bus.adapter());
    return server;
  }
}
