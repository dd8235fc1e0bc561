import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PresenceStore } from '../../src/ports/presence.port';

/** Every PresenceStore adapter must pass this suite against its real engine. */
export function presenceStoreContract(name: string, open: () => Promise<{ store: PresenceStore; close(): Promise<void> }>) {
  describe(`PresenceStore contract: ${name}`, () => {
    let store: PresenceStore;
    let close: () => Promise<void>;
    let n = 0;
    const user = () => `user-${process.pid}-${Date.now()}-${++n}`;
    before(async () => ({ store, close } = await open()));
    after(async () => close?.());

    // First in the suite, so no other test's connections are in the count.
    test('countOnline: people with a live connection, away included; each person once; gone when they leave or expire', async () => {
      assert.equal(await store.countOnline(), 0);
      const [a, b, c] = [user(), user(), user()];
      await store.admitConnection(a, 'phone', 10_000, 10);
      await store.admitConnection(a, 'laptop', 10_000, 10);
      await store.setConnection(b, 'web', 'away', 10_000);
      assert.equal(await store.countOnline(), 2, 'two devices are one person; away counts');
      await store.removeConnection(a, 'phone');
      assert.equal(await store.countOnline(), 2, 'one device left, still here');
      await store.removeConnection(a, 'laptop');
      assert.equal(await store.countOnline(), 1);
      await store.setConnection(c, 'web', 'online', 300);
      assert.equal(await store.countOnline(), 2);
      await sleep(450);
      assert.equal(await store.countOnline(), 1, 'a connection not refreshed runs out');
      await store.refresh([{ userId: b, connectionId: 'web' }], 10_000);
      await store.refresh([{ userId: a, connectionId: 'laptop' }], 10_000);
      assert.equal(await store.countOnline(), 1, 'a refresh of a connection gone brings nobody back');
      await store.removeConnection(b, 'web');
      assert.equal(await store.countOnline(), 0);
    });

    test('a first connection turns offline into online and reports the change', async () => {
      const u = user();
      assert.deepEqual(await store.setConnection(u, 'c1', 'online', 10_000), { before: 'offline', after: 'online' });
      assert.deepEqual(await store.setConnection(u, 'c1', 'online', 10_000), { before: 'online', after: 'online' });
    });

    test('the aggregate over devices: online beats away beats offline', async () => {
      const u = user();
      assert.deepEqual(await store.setConnection(u, 'phone', 'away', 10_000), { before: 'offline', after: 'away' });
      assert.deepEqual(await store.setConnection(u, 'laptop', 'online', 10_000), { before: 'away', after: 'online' });
      assert.deepEqual(await store.setConnection(u, 'phone', 'online', 10_000), { before: 'online', after: 'online' });
      assert.deepEqual(await store.setConnection(u, 'laptop', 'away', 10_000), { before: 'online', after: 'online' });
      assert.deepEqual(await store.removeConnection(u, 'phone'), { before: 'online', after: 'away' });
      assert.deepEqual(await store.removeConnection(u, 'laptop'), { before: 'away', after: 'offline' });
      assert.deepEqual(await store.removeConnection(u, 'laptop'), { before: 'offline', after: 'offline' });
    });

    test('admitConnection caps live connections per user: expired ones free a place, a known one is let in again', async () => {
      const [u, other] = [user(), user()];
      const first = await store.admitConnection(u, 'c1', 10_000, 2);
      assert.deepEqual(first, { admitted: true, open: 1, before: 'offline', after: 'online' });
      await store.admitConnection(u, 'short', 300, 2);
      const full = await store.admitConnection(u, 'c3', 10_000, 2);
      assert.deepEqual(full, { admitted: false, open: 2, before: 'online', after: 'online' });
      assert.equal((await store.admitConnection(u, 'c1', 10_000, 2)).admitted, true, 'a connection already in is not a new one');
      assert.equal((await store.admitConnection(other, 'c3', 10_000, 2)).admitted, true, 'the cap is per user');
      await sleep(500);
      assert.equal((await store.admitConnection(u, 'c3', 10_000, 2)).admitted, true, 'the expired one no longer counts');
      await store.removeConnection(u, 'c1');
      assert.equal((await store.admitConnection(u, 'c4', 10_000, 2)).admitted, true, 'a closed one frees its place');
    });

    test('connections racing in never get past the cap together', async () => {
      const u = user();
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.admitConnection(u, `c${i}`, 10_000, 5)));
      assert.equal(results.filter((r) => r.admitted).length, 5);
    });

    test('get reports status and last seen for many users, offline for strangers', async () => {
      const [a, b, c] = [user(), user(), user()];
      const t0 = Date.now();
      await store.setConnection(a, 'x', 'online', 10_000);
      await store.setConnection(b, 'y', 'away', 10_000);
      const got = await store.get([a, b, c]);
      assert.equal(got.get(a)?.status, 'online');
      assert.equal(got.get(b)?.status, 'away');
      assert.equal(got.get(c)?.status, 'offline');
      assert.equal(got.get(c)?.lastSeen, null);
      const seen = got.get(a)?.lastSeen?.getTime() ?? 0;
      assert.ok(Math.abs(seen - t0) < 5_000, `lastSeen ${seen} vs ${t0}`);
    });

    test('a connection not refreshed within its TTL expires; a refreshed one stays', async () => {
      const [gone, kept] = [user(), user()];
      await store.setConnection(gone, 'c', 'online', 300);
      await store.setConnection(kept, 'c', 'online', 300);
      await sleep(150);
      await store.refresh([{ userId: kept, connectionId: 'c' }], 1_000);
      await sleep(300);
      const got = await store.get([gone, kept]);
      assert.equal(got.get(gone)?.status, 'offline');
      assert.equal(got.get(kept)?.status, 'online');
      // An expired connection coming back is a change again.
      assert.deepEqual(await store.setConnection(gone, 'c', 'online', 1_000), { before: 'offline', after: 'online' });
    });

    test('refreshing an unknown connection does not create it', async () => {
      const u = user();
      await store.refresh([{ userId: u, connectionId: 'ghost' }], 1_000);
      assert.equal((await store.get([u])).get(u)?.status, 'offline');
    });
  });
}
