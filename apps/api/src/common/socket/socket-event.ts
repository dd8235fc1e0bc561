import type { Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { ZodType, ZodTypeDef } from 'zod';
import { parseWith, type Ack, type ClientToServerEvents, type ServerToClientEvents } from '@qc/shared';
import { knownError } from '@qc/core';

/** What the handshake puts on every socket (see SocketSessionGateway). */
export interface SocketData {
  userId: string;
  tokenExpiresAt: number;
  /** The room this socket shows (`room:open`), in whose `open:<roomId>` channel it is: large rooms' live messages. */
  openRoomId?: string | null;
  /** Counts this socket's room:open events, so the latest one decides when two overlap. */
  openTicket?: number;
}
export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/**
 * The one way a feature gateway answers a client event: parse the payload with its shared
 * schema, run the service call, and turn any outcome into the ack. A refused payload or an
 * AppError is the client's answer; anything else is logged and answered INTERNAL, so
 * nothing a client sends can take the server down.
 */
export async function answerEvent<P, R extends object>(
  logger: Logger,
  socket: ChatSocket,
  event: keyof ClientToServerEvents,
  schema: ZodType<P, ZodTypeDef, unknown>,
  body: unknown,
  fn: (payload: P) => Promise<R>,
): Promise<Ack<R>> {
  const parsed = parseWith(schema, body);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  try {
    return { ok: true, ...(await fn(parsed.value)) };
  } catch (err) {
    const known = knownError(err);
    if (known) return { ok: false, error: known.toBody() };
    logger.error({ err, connId: socket.id, userId: socket.data.userId, event }, 'socket event failed');
    return { ok: false, error: { code: 'INTERNAL', message: 'something went wrong on our side; it has been logged' } };
  }
}
