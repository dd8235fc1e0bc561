import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { AuthResponse, ClientToServerEvents, ServerToClientEvents } from '@qc/shared';
import { freePort } from '@qc/core';
import { bootstrap, type RunningApi } from '../main';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface TestUser extends AuthResponse {
  cookie: string;
}

/**
 * Boots the real api (embedded PostgreSQL, migrations, Nest, Socket.IO) on a free port
 * with its own temp data folder, and offers small helpers to act as people.
 */
export class ApiHarness {
  private sockets: ClientSocket[] = [];
  private constructor(
    readonly api: RunningApi,
    readonly base: string,
    private readonly dir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<ApiHarness> {
    const dir = mkdtempSync(path.join(tmpdir(), 'qc-api-test-'));
    const port = await freePort();
    const api = await bootstrap({
      env: {
        QC_DATA_DIR: dir,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        WEB_DIR: path.join(dir, 'no-web'),
        ...env,
      },
      progress: () => undefined,
    });
    return new ApiHarness(api, `http://127.0.0.1:${port}`, dir);
  }

  async stop() {
    for (const s of this.sockets) s.disconnect();
    await this.api.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async http<T = unknown>(
    method: string,
    url: string,
    opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
  ) {
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

  private counter = 0;
  async user(name = 'user'): Promise<TestUser> {
    const username = `${name}${process.pid}${++this.counter}${Math.floor(Math.random() * 1e6)}`.slice(0, 32);
    const res = await fetch(this.base + '/api/v1/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct horse battery', displayName: name }),
    });
    if (res.status !== 201) throw new Error(`register failed: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { ...((await res.json()) as AuthResponse), cookie };
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
}

/** Emits with an ack and a timeout; resolves with the ack's response. */
export function call<E extends keyof ClientToServerEvents>(socket: ClientSocket, event: E, payload: unknown): Promise<AckResponse> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ack for ${event} within 5 s`)), 5000);
    (socket.emit as (ev: string, p: unknown, ack: (r: AckResponse) => void) => void)(event, payload, (r) => {
      clearTimeout(t);
      resolve(r);
    });
  });
}

// The ack's shape varies by event; tests read the fields they expect.
export type AckResponse = { ok: boolean; error?: { code: string; message: string } } & Record<string, unknown>;

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

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
