import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { DESKTOP_CHANNELS } from '@qc/shared';

/*
 * The compiled preload as Electron's sandbox runs it: evaluated with a `require` that, like
 * the sandbox's, knows only 'electron' (here a recorder of contextBridge and ipcRenderer).
 */

const PRELOAD = readFileSync(path.join(__dirname, 'preload.js'), 'utf8');
const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

function runPreload() {
  const exposed = new Map<string, Record<string, unknown>>();
  const sent: { channel: string; payload: unknown }[] = [];
  const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => void exposed.set(key, api) },
    ipcRenderer: {
      send: (channel: string, payload: unknown) => void sent.push({ channel, payload }),
      on: (channel: string, fn: (...args: unknown[]) => void) =>
        void (listeners.get(channel) ?? listeners.set(channel, new Set()).get(channel)!).add(fn),
      removeListener: (channel: string, fn: (...args: unknown[]) => void) => void listeners.get(channel)?.delete(fn),
    },
  };
  const module = { exports: {} };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name} (a sandboxed preload can require only electron)`);
  };
  vm.runInNewContext(PRELOAD, { require: sandboxRequire, module, exports: module.exports, process: { platform: 'linux' } });
  const emit = (channel: string, ...args: unknown[]) => listeners.get(channel)?.forEach((fn) => fn(...args));
  return { exposed, sent, listeners, required, emit };
}

describe('the preload (window.quantumDesktop)', () => {
  test('requires nothing but electron and exposes one object', () => {
    const p = runPreload();
    assert.deepEqual(p.required, ['electron']);
    assert.deepEqual([...p.exposed.keys()], ['quantumDesktop']);
    const bridge = p.exposed.get('quantumDesktop')!;
    assert.deepEqual(Object.keys(bridge).sort(), ['notify', 'onOpenMessage', 'platform', 'setUnreadCount', 'version']);
    assert.equal(bridge['version'], 1);
    assert.equal(bridge['platform'], 'linux');
  });

  test("sends on the shared channel names, passing only the call's own fields", () => {
    const p = runPreload();
    const bridge = p.exposed.get('quantumDesktop') as {
      setUnreadCount(c: unknown): void;
      notify(n: unknown): void;
    };
    bridge.setUnreadCount({ unread: 3, mentions: 1, extra: 'dropped' });
    bridge.notify({
      title: 'Alice',
      body: 'hi',
      silent: true,
      icon: 'file:///x',
      target: { roomId: 'r', messageId: 'm', seq: 7, more: 1 },
    });
    bridge.notify(null);
    assert.deepEqual(plain(p.sent), [
      { channel: DESKTOP_CHANNELS.setUnreadCount, payload: { unread: 3, mentions: 1 } },
      {
        channel: DESKTOP_CHANNELS.notify,
        payload: { title: 'Alice', body: 'hi', silent: true, target: { roomId: 'r', messageId: 'm', seq: 7 } },
      },
      { channel: DESKTOP_CHANNELS.notify, payload: { target: { seq: null } } },
    ]);
  });

  test('onOpenMessage hands the page the target only (never the IPC event) and unsubscribes', () => {
    const p = runPreload();
    const bridge = p.exposed.get('quantumDesktop') as { onOpenMessage(fn: (...args: unknown[]) => void): () => void };
    const calls: unknown[][] = [];
    const off = bridge.onOpenMessage((...args) => calls.push(args));
    const target = { roomId: 'r', messageId: 'm', seq: 1 };
    p.emit(DESKTOP_CHANNELS.openMessage, { sender: 'the ipc event' }, target);
    off();
    p.emit(DESKTOP_CHANNELS.openMessage, { sender: 'the ipc event' }, target);
    assert.deepEqual(calls, [[target]]);
    assert.equal(p.listeners.get(DESKTOP_CHANNELS.openMessage)?.size, 0);
  });
});
