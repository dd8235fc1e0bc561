import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionStore } from './connection-store';

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
});
