/*
 * Quantum Chat's service worker: Web Push for devices whose tab is closed.
 *
 * - push: the server's payload (PushPayload in @qc/shared, decrypted by the browser) becomes a
 *   notification; one per room (`tag`), so a burst in a room replaces the last one instead of
 *   piling up, and `renotify` still buzzes for the newest. Browsers require every push to show
 *   something (userVisibleOnly), so a payload that cannot be read still says "New message".
 * - notificationclick: focuses a window of the app that is already open and tells it which
 *   message to show (the page opens the room scrolled to it); with none open, opens one at the
 *   message's address.
 * - pushsubscriptionchange: the push service replaced the subscription; open pages re-register
 *   it with the server (a worker holds no session to do it itself).
 *
 * Plain JavaScript served as is (no build step): it must stay small and dependency-free.
 */
'use strict';

const APP_NAME = 'Quantum Chat';

/** What the notification shows for a push's payload (null: nothing readable came). */
function notificationFor(payload) {
  if (!payload || payload.v !== 1 || typeof payload.roomId !== 'string') {
    return { title: APP_NAME, options: { body: 'New message', tag: 'quantum-chat', icon: '/icon.svg', data: { url: '/chat' } } };
  }
  return {
    title: String(payload.title || APP_NAME),
    options: {
      body: String(payload.body || ''),
      tag: `room:${payload.roomId}`,
      renotify: true,
      icon: '/icon.svg',
      badge: '/icon.svg',
      timestamp: Date.now(),
      data: { url: String(payload.url || '/chat'), roomId: payload.roomId, messageId: payload.messageId, seq: payload.seq },
    },
  };
}

function readPayload(event) {
  try {
    return event.data ? event.data.json() : null;
  } catch {
    return null;
  }
}

self.addEventListener('install', () => {
  // A new version takes over at once: it only shows notifications, there is no cache to migrate.
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('push', (event) => {
  const { title, options } = notificationFor(readPayload(event));
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const url = new URL(data.url || '/chat', self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        if (data.roomId) open.postMessage({ type: 'open-message', roomId: data.roomId, messageId: data.messageId, seq: data.seq });
        else if ('navigate' in open) return open.navigate(url).then((w) => w && w.focus());
        return open.focus();
      }
      return self.clients.openWindow(url);
    }),
  );
});

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      for (const w of windows) w.postMessage({ type: 'push-subscription-changed' });
    }),
  );
});
