import { io } from 'socket.io-client';
import type { ChatSocket } from './chat-socket';
import { browserSaysOnline, watchNetwork } from './network-status';
import { session } from './session';

/*
 * The socket's life: dial with the token held now, and come back after every kind of loss.
 * socket.io retries a dropped network by itself; what it does not retry is a refusal by the
 * server's middleware or a disconnect the server chose (an expired or revoked token), so
 * those get a fresh token and a new dial here. The browser's online/offline events steer it
 * too: offline hangs up at once, online dials at once instead of at the end of a backoff.
 */

const RECONNECT_RETRY_MS = 3_000;

/**
 * The socket to the api at the same origin. `auth` is a function so that every connection
 * attempt, including automatic reconnects, presents the token we hold now rather than the
 * one we held when the socket was made.
 */
function createChatSocket(getToken: () => string | null): ChatSocket {
  return io({
    autoConnect: false,
    transports: ['websocket', 'polling'],
    // Without this a failed WebSocket is retried as a WebSocket forever; with it, a network
    // that blocks WebSockets still gets a connection over long-polling.
    tryAllTransports: true,
    // A connection attempt that hangs (a half-open network) is given up after 5 s rather
    // than socket.io's 20 s, so the next attempt, and the catch-up, come sooner.
    timeout: 5_000,
    reconnectionDelayMax: 5_000,
    auth: (cb) => cb({ token: getToken() ?? '' }),
  });
}

export interface LiveSocket {
  socket: ChatSocket;
  /** Hangs up for good (sign-out): no more redials. */
  close(): void;
}

export function dialLiveSocket(hooks: { onConnect(): void; onLost(): void; onNetwork(online: boolean): void }): LiveSocket {
  const socket = createChatSocket(() => session.accessToken);
  let closed = false;
  let authFailures = 0;

  const redial = () => {
    if (!closed && browserSaysOnline() && !socket.connected && !socket.active) socket.connect();
  };

  const reconnectWithFreshToken = async () => {
    authFailures += 1;
    const token = await session.refresh();
    // No token: the session is over and the page sends people to sign in.
    if (!token || closed) return;
    // If the server keeps refusing a fresh token, back off instead of hammering it.
    const delay = authFailures > 1 ? Math.min(30_000, 1000 * 2 ** authFailures) : 0;
    setTimeout(redial, delay);
  };

  socket.on('connect', () => {
    authFailures = 0;
    hooks.onConnect();
  });
  socket.on('disconnect', (reason) => {
    hooks.onLost();
    // The server closed us on purpose (token revoked or expired): it will not come back by
    // itself, so get a fresh token and dial again.
    if (reason === 'io server disconnect') void reconnectWithFreshToken();
  });
  socket.on('connect_error', (err) => {
    hooks.onLost();
    if (err.message === 'UNAUTHENTICATED') {
      void reconnectWithFreshToken();
    } else if (!socket.active) {
      // A refusal by the server's middleware is final for socket.io; anything else it retries.
      setTimeout(redial, RECONNECT_RETRY_MS);
    }
  });
  const stopWatchingNetwork = watchNetwork(window, (online) => {
    hooks.onNetwork(online);
    if (closed) return;
    if (!online) {
      // A socket over a network that is gone looks connected until its heartbeat fails (up
      // to 20 s), and whatever is sent into it meanwhile is lost. Hanging up now keeps sends
      // waiting in the outbox, and stops socket.io dialling into nothing.
      socket.disconnect();
    } else if (!socket.connected) {
      // socket.io may be in the middle of a backoff of up to 5 s: start over and dial now.
      if (socket.active) socket.disconnect();
      redial();
    }
  });
  if (browserSaysOnline()) socket.connect();
  else hooks.onNetwork(false);

  return {
    socket,
    close: () => {
      closed = true;
      stopWatchingNetwork();
      socket.removeAllListeners();
      socket.disconnect();
    },
  };
}
