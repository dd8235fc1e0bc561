import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchNetwork } from '../network-status';
import { connectionBannerDelayMs, connectionBannerText, ConnectionStore } from './connection-store';

/** The store wired to a window stand-in as the chat client wires it, and what the banner would say now. */
function wired() {
  const store = new ConnectionStore();
  const window = new EventTarget();
  watchNetwork(window, (online) => store.networkChanged(online));
  const banner = () => {
    const { status } = store.getState();
    return connectionBannerDelayMs(status) === 0
      ? connectionBannerText(status)
      : `(after ${connectionBannerDelayMs(status)} ms) ${connectionBannerText(status)}`;
  };
  return { store, window, banner };
}

describe('ConnectionStore', () => {
  it('is connecting until the first catch-up, then reconnecting after a loss', () => {
    const store = new ConnectionStore();
    store.lost();
    assert.equal(store.getState().status, 'connecting');
    const first = store.connected();
    assert.equal(store.getState().status, 'connecting', 'the banner stays until the catch-up is done');
    store.caughtUp(first);
    assert.equal(store.getState().status, 'online');
    store.lost();
    assert.equal(store.getState().status, 'reconnecting');
  });

  it('a catch-up begun before a newer connect does not declare it online', () => {
    const store = new ConnectionStore();
    const stale = store.connected();
    store.lost();
    store.connected();
    store.caughtUp(stale);
    assert.equal(store.getState().status, 'reconnecting');
  });

  it('keeps its identity when nothing changes', () => {
    const store = new ConnectionStore();
    const before = store.getState();
    assert.equal(store.setMyStatus('online'), false);
    store.dismissNotice();
    assert.equal(store.getState(), before);
    assert.equal(store.setMyStatus('away'), true);
  });

  it('says offline at once when the browser does, although the socket still looks connected', () => {
    const { store, window, banner } = wired();
    store.caughtUp(store.connected());
    assert.equal(banner(), null);
    window.dispatchEvent(new Event('offline'));
    assert.equal(store.getState().status, 'offline');
    assert.equal(banner(), "You're offline — messages will be sent when you're back", 'no delay: shown at once');
  });

  it('stays offline while the socket drops and redials fail, and goes back to reconnecting, then online, when the browser is back', () => {
    const { store, window, banner } = wired();
    store.caughtUp(store.connected());
    window.dispatchEvent(new Event('offline'));
    store.lost();
    assert.equal(store.getState().status, 'offline', 'the loss the offline event caused does not hide it');
    window.dispatchEvent(new Event('online'));
    assert.equal(store.getState().status, 'reconnecting');
    assert.equal(banner(), '(after 1000 ms) Reconnecting…', 'a quick reconnect does not flash a banner');
    store.caughtUp(store.connected());
    assert.equal(store.getState().status, 'online');
  });

  it('a catch-up that ends after the browser went offline does not declare it online', () => {
    const { store, window } = wired();
    const epoch = store.connected();
    window.dispatchEvent(new Event('offline'));
    store.caughtUp(epoch);
    assert.equal(store.getState().status, 'offline');
  });

  it('offline before the first connection, then online: connecting', () => {
    const { store, window } = wired();
    window.dispatchEvent(new Event('offline'));
    assert.equal(store.getState().status, 'offline');
    window.dispatchEvent(new Event('online'));
    assert.equal(store.getState().status, 'connecting');
  });
});
