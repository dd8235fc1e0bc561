// One client connection, the same to the harness whatever the target: the product and the
// Socket.IO baseline through socket.io-client, the ws baseline through a bare WebSocket with
// JSON-array frames (see baselines/ws-server.mjs). `localAddress` picks the loopback source
// address, so more connections than one address's ~28K ephemeral ports can be opened.
import { io } from 'socket.io-client';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

/** Epoch milliseconds with sub-millisecond precision, comparable between processes on this machine. */
export const now = () => performance.timeOrigin + performance.now();

const TIMEOUT = (ms) => ({ ok: false, error: { code: 'TIMEOUT', message: `no ack within ${ms} ms` } });

/**
 * `{ connect(), emitAck(event, payload, ms), onMessage(fn), onActivity(fn), drop(), close(), connected }`.
 * target: { kind: 'product' | 'distributed' | 'socketio' | 'ws', url }; who: { token, rooms, url? }.
 */
export function makeClient(target, who, localAddress) {
  return target.kind === 'ws' ? wsClient(target.url, who, localAddress) : socketIoClient(target, who, localAddress);
}

function socketIoClient(target, who, localAddress) {
  // The product authorises rooms itself; the baseline takes them from the handshake.
  const auth = target.kind === 'socketio' ? { token: who.token, rooms: who.rooms } : { token: who.token };
  // The distributed profile has two api nodes: each client is given the one it uses.
  const socket = io(who.url ?? target.url, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    autoConnect: false,
    timeout: 30_000,
    localAddress,
  });
  let onMessage = () => undefined;
  let onActivity = () => undefined;
  socket.on('message:new', (m) => onMessage(m));
  // Hybrid fan-out (the product only): a large room this client does not have open went up to lastSeq.
  socket.on('room:activity', (a) => onActivity(a));
  return {
    get connected() {
      return socket.connected;
    },
    connect(ms = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`not connected within ${ms} ms`)), ms);
        const ok = () => done(null);
        const fail = (e) => done(e instanceof Error ? e : new Error(String(e)));
        function done(err) {
          clearTimeout(timer);
          socket.off('connect', ok);
          socket.off('connect_error', fail);
          if (err) reject(err);
          else resolve();
        }
        socket.once('connect', ok);
        socket.once('connect_error', fail);
        socket.connect();
      });
    },
    async emitAck(event, payload, ms) {
      try {
        return await socket.timeout(ms).emitWithAck(event, payload);
      } catch {
        return TIMEOUT(ms);
      }
    },
    onMessage(fn) {
      onMessage = fn;
    },
    onActivity(fn) {
      onActivity = fn;
    },
    /** Drops the connection the way a network does: no goodbye, the server finds out by the close. */
    drop() {
      socket.io.engine?.transport?.ws?.terminate?.();
      socket.disconnect();
    },
    close() {
      socket.disconnect();
    },
  };
}

function wsClient(url, who, localAddress) {
  let ws = null;
  let nextId = 1;
  const pending = new Map();
  let onMessage = () => undefined;
  const failAll = () => {
    for (const [, p] of pending) p.resolve(TIMEOUT(0));
    pending.clear();
  };
  const client = {
    get connected() {
      return ws !== null && ws.readyState === WebSocket.OPEN;
    },
    connect(ms = 30_000) {
      return new Promise((resolve, reject) => {
        ws = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: ms });
        ws.on('message', (raw) => {
          const frame = JSON.parse(raw.toString());
          if (frame[0] === 'ack') {
            const p = pending.get(frame[1]);
            if (p) {
              pending.delete(frame[1]);
              clearTimeout(p.timer);
              p.resolve(frame[2]);
            }
          } else if (frame[0] === 'message:new') onMessage(frame[1]);
        });
        ws.on('close', failAll);
        ws.once('error', reject);
        ws.once('open', async () => {
          const r = await client.emitAck('hello', { token: who.token, rooms: who.rooms }, ms);
          if (r.ok) resolve();
          else reject(new Error(`hello refused: ${JSON.stringify(r.error)}`));
        });
      });
    },
    emitAck(event, payload, ms) {
      if (!client.connected) return Promise.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'not connected' } });
      const id = nextId++;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(TIMEOUT(ms));
        }, ms);
        pending.set(id, { resolve, timer });
        ws.send(JSON.stringify([event, payload, id]));
      });
    },
    onMessage(fn) {
      onMessage = fn;
    },
    /** The ws baseline pushes every room to every member: no room:activity. */
    onActivity() {},
    drop() {
      ws?.terminate();
    },
    close() {
      ws?.close();
    },
  };
  return client;
}
