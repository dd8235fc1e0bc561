import { io, type Socket } from 'socket.io-client';
import type { AuthResponse, ClientToServerEvents, Message, MyRoom, ServerToClientEvents } from '@qc/shared';

/*
 * The one way api specs act as people, whatever runs the api: in this process
 * (ApiHarness) or as separate node processes (ApiNode). Sign up, make rooms, open sockets,
 * call events and wait for what arrives.
 */

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestUser extends AuthResponse {
  /** The refresh cookie (`name=value`) sign-up set. */
  cookie: string;
}

export interface HttpResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

let counter = 0;

/** REST and Socket.IO against one api at `base` (http://host:port). */
export class ChatClient {
  private readonly sockets: ClientSocket[] = [];

  constructor(readonly base: string) {}

  async http<T = unknown>(
    method: string,
    url: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined || opts.rawBody !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.base + '/api/v1' + url, {
      method,
      headers,
      body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T };
  }

  /** A new account (unique username, from `name`), signed in. */
  user(name = 'user'): Promise<TestUser> {
    return this.registerAs(`${name}${process.pid}${++counter}${Math.floor(Math.random() * 1e6)}`.slice(0, 32), name);
  }

  /**
   * An account with exactly this username, signed in: the one a spec names in
   * QC_ADMIN_USERNAMES, so it is the instance's admin from its first request.
   */
  async registerAs(username: string, displayName?: string): Promise<TestUser> {
    const res = await fetch(this.base + '/api/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct horse battery', ...(displayName ? { displayName } : {}) }),
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { ...((await res.json()) as AuthResponse), cookie };
  }

  /** A group room owned by `owner` with `members` in it. */
  async group(owner: AuthResponse, members: AuthResponse[], name = 'team'): Promise<MyRoom> {
    const r = await this.http<MyRoom>('POST', '/rooms', {
      token: owner.accessToken,
      body: { kind: 'group', name, memberIds: members.map((m) => m.user.id) },
    });
    if (r.status !== 201) throw new Error(`creating the group failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** A connected socket (resolves on `connect`), or rejects with the connect_error. */
  connect(token: string | undefined, extra: { origin?: string } = {}): Promise<ClientSocket> {
    const socket: ClientSocket = io(this.base, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: extra.origin ? { origin: extra.origin } : undefined,
    });
    this.sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** Closes every socket this client opened. */
  disconnectAll() {
    for (const s of this.sockets.splice(0)) s.disconnect();
  }
}

// The ack's shape varies by event; tests read the fields they expect.
export type AckResponse = { ok: boolean; error?: { code: string; message: string; retryAfterMs?: number } } & Record<string, unknown>;

/** Emits with an ack and a timeout; resolves with the ack's response. */
export function call<E extends keyof ClientToServerEvents>(
  socket: ClientSocket,
  event: E,
  payload: unknown,
  ms = 5000,
): Promise<AckResponse> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ack for ${event} within ${ms} ms`)), ms);
    (socket.emit as (ev: string, p: unknown, ack: (r: AckResponse) => void) => void)(event, payload, (r) => {
      clearTimeout(t);
      resolve(r);
    });
  });
}

/** The next `event` that satisfies `pred`, or a rejection after `ms`. */
export function waitFor<T>(
  socket: ClientSocket,
  event: keyof ServerToClientEvents,
  pred: (p: T) => boolean = () => true,
  ms = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listeners = socket as unknown as { on(e: string, f: (p: T) => void): void; off(e: string, f: (p: T) => void): void };
    const t = setTimeout(() => {
      listeners.off(event, on);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    const on = (p: T) => {
      if (!pred(p)) return;
      clearTimeout(t);
      listeners.off(event, on);
      resolve(p);
    };
    listeners.on(event, on);
  });
}

/** Every `message:new` of one room this socket receives from now on, in arrival order. */
export function collect(socket: ClientSocket, roomId: string): Message[] {
  const got: Message[] = [];
  socket.on('message:new', (m) => {
    if (m.roomId === roomId) got.push(m);
  });
  return got;
}

/**
 * Waits for `pred`, checking every 25 ms (every 250 ms when `refresh` must run before each
 * check); fails with `what` after `ms`.
 */
export async function until(pred: () => boolean, ms = 15_000, what = 'condition', refresh?: () => Promise<void>) {
  const end = Date.now() + ms;
  for (;;) {
    await refresh?.();
    if (pred()) return;
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(refresh ? 250 : 25);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `message:send` as the web outbox sends it: a send refused OVERLOADED or UNAVAILABLE
 * (nothing stored; the server names its wait) is sent again with the same clientMsgId,
 * until it is acked or refused otherwise. For specs that fire bursts at one room: the
 * product may shed such a burst on a slow machine, and the contract is that every send is
 * acked or refused with a code, and lands once when resent.
 */
export async function sendUntilAcked(
  socket: ClientSocket,
  payload: { roomId: string; clientMsgId: string; content: string },
  ms = 30_000,
): Promise<AckResponse> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await call(socket, 'message:send', payload, Math.max(1000, end - Date.now()));
    const code = r.ok ? null : r.error?.code;
    if ((code !== 'OVERLOADED' && code !== 'UNAVAILABLE') || Date.now() > end) return r;
    await new Promise((done) => setTimeout(done, r.error?.retryAfterMs ?? 500));
  }
}
