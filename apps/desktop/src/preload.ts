/*
 * The preload: the only code that runs in the page's process with any reach beyond it. The
 * window is sandboxed with context isolation and no Node, so this file may require nothing
 * but 'electron' (a sandboxed preload cannot load other files); hence the channel names are
 * written out here, and a spec checks they match DESKTOP_CHANNELS in @qc/shared.
 *
 * It hands the page `window.quantumDesktop`: three calls and a version, each passing plain
 * data. The page never sees ipcRenderer or an IPC event (which would carry `sender`).
 */

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { DesktopNotification, DesktopOpenMessage, DesktopUnreadCount, QuantumDesktopBridge } from '@qc/shared';

const CHANNELS = {
  setUnreadCount: 'qc:desktop:set-unread-count',
  notify: 'qc:desktop:notify',
  openMessage: 'qc:desktop:open-message',
} as const;

const bridge: QuantumDesktopBridge = {
  version: 1,
  platform: process.platform,
  setUnreadCount(count: DesktopUnreadCount) {
    ipcRenderer.send(CHANNELS.setUnreadCount, { unread: count?.unread, mentions: count?.mentions });
  },
  notify(n: DesktopNotification) {
    const target = n?.target;
    ipcRenderer.send(CHANNELS.notify, {
      title: n?.title,
      body: n?.body,
      silent: n?.silent,
      target: { roomId: target?.roomId, messageId: target?.messageId, seq: target?.seq ?? null },
    });
  },
  onOpenMessage(listener: (target: DesktopOpenMessage) => void) {
    const handler = (_event: IpcRendererEvent, target: DesktopOpenMessage) => listener(target);
    ipcRenderer.on(CHANNELS.openMessage, handler);
    return () => {
      ipcRenderer.removeListener(CHANNELS.openMessage, handler);
    };
  },
};

contextBridge.exposeInMainWorld('quantumDesktop', bridge);
