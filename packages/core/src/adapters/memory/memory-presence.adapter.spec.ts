import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPresenceStore } from './memory-presence.adapter';

test('presence aggregates over devices: online beats away beats offline', async () => {
  const now = 0;
  const p = new MemoryPresenceStore(() => now);
  assert.deepEqual(await p.setConnection('u', 'phone', 'away', 1000), { before: 'offline', after: 'away' });
  assert.deepEqual(await p.setConnection('u', 'laptop', 'online', 1000), { before: 'away', after: 'online' });
  assert.deepEqual(await p.removeConnection('u', 'laptop'), { before: 'online', after: 'away' });
  assert.deepEqual(await p.removeConnection('u', 'phone'), { before: 'away', after: 'offline' });
  assert.equal((await p.get(['u'])).get('u')?.status, 'offline');
  assert.ok((await p.get(['u'])).get('u')?.lastSeen);
});

test('a connection that is not refreshed expires', async () => {
  let now = 0;
  const p = new MemoryPresenceStore(() => now);
  await p.setConnection('u', 'c1', 'online', 1000);
  await p.setConnection('v', 'c2', 'online', 1000);
  now = 900;
  await p.refresh([{ userId: 'v', connectionId: 'c2' }], 1000);
  now = 1500;
  const s = await p.get(['u', 'v']);
  assert.equal(s.get('u')?.status, 'offline');
  assert.equal(s.get('v')?.status, 'online');
});
