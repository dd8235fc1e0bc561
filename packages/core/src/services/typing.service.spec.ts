import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryTypingStore } from '../adapters/memory/memory-typing.adapter';
import type { TypingStore } from '../ports/typing.port';
import { RecordingBroadcaster } from '../../test/support/recording-broadcaster';
import { TypingService } from './typing.service';

const typingEvents = (b: RecordingBroadcaster) => b.of('typing').map((e) => e.payload as { userId: string; isTyping: boolean });

test('without coalescing every renewal is told; the end is told once, by stop or by the sweep, never both', async () => {
  let now = 0;
  const bc = new RecordingBroadcaster();
  const typing = new TypingService(new MemoryTypingStore(() => now), bc, { ttlMs: 5_000, broadcastEveryMs: 0 });
  await typing.typing('ann', 'r1', true, 'sock-1');
  now = 3_000;
  await typing.typing('ann', 'r1', true, 'sock-1');
  assert.equal(bc.of('typing')[0]?.opts?.exceptSocketId, 'sock-1', 'the typist does not hear itself');
  now = 7_000;
  assert.equal(await typing.sweep(), 0, 'the renewal moved the end to 8 s');
  now = 8_000;
  assert.equal(await typing.sweep(), 1);
  assert.equal(await typing.sweep(), 0);
  await typing.stopped('ann', 'r1');
  assert.deepEqual(
    typingEvents(bc).map((e) => e.isTyping),
    [true, true, false],
  );

  await typing.typing('bob', 'r1', true);
  await typing.stopped('bob', 'r1'); // a message sent
  now = 20_000;
  assert.equal(await typing.sweep(), 0, 'an end already told is not told again');
  await typing.typing('bob', 'r1', false); // nothing was showing
  assert.deepEqual(
    typingEvents(bc)
      .filter((e) => e.userId === 'bob')
      .map((e) => e.isTyping),
    [true, false],
  );
});

test('a store that is away: no indicator that nobody could end, a stop told anyway, the typist never errors', async () => {
  const away: TypingStore = {
    start: () => Promise.reject(new Error('ECONNREFUSED')),
    stop: () => Promise.reject(new Error('ECONNREFUSED')),
    takeExpired: () => Promise.reject(new Error('ECONNREFUSED')),
    typingIn: () => Promise.reject(new Error('ECONNREFUSED')),
  };
  const bc = new RecordingBroadcaster();
  const errors: string[] = [];
  const typing = new TypingService(away, bc, { onStoreError: (_err, what) => errors.push(what), broadcastEveryMs: 0 });
  await typing.typing('ann', 'r1', true);
  await typing.typing('ann', 'r1', false);
  assert.equal(await typing.sweep(), 0);
  assert.deepEqual(
    typingEvents(bc).map((e) => e.isTyping),
    [false],
  );
  assert.deepEqual(errors, ['typing start', 'typing stop', 'typing sweep']);
});

test('coalesced: renewals inside the gap touch neither the store nor the room; a change waits for the gap end', async () => {
  const store = new MemoryTypingStore();
  let starts = 0;
  const counting: TypingStore = {
    start: (m, ttl) => (starts++, store.start(m, ttl)),
    stop: (m) => store.stop(m),
    takeExpired: (n) => store.takeExpired(n),
    typingIn: (r) => store.typingIn(r),
  };
  const bc = new RecordingBroadcaster();
  const gap = 1_000;
  const typing = new TypingService(counting, bc, { broadcastEveryMs: gap });
  const t0 = Date.now();
  for (let i = 0; i < 2000; i++) await typing.typing('ann', 'r1', true);
  // Bounded by the time the loop took, however slow the machine: one per started gap.
  const gaps = 1 + Math.floor((Date.now() - t0) / gap);
  assert.ok(starts >= 1 && starts <= gaps, `${starts} store renewals in ${gaps} gap(s)`);
  const annTold = typingEvents(bc).filter((e) => e.userId === 'ann');
  assert.ok(annTold.length >= 1 && annTold.length <= gaps && annTold.every((e) => e.isTyping));
  await typing.typing('bob', 'r1', true);
  const before = typingEvents(bc).length;
  await typing.typing('bob', 'r1', false);
  assert.equal(typingEvents(bc).length, before, 'the stop right after the start waits for the gap end');
  await new Promise((r) => setTimeout(r, gap * 1.5));
  assert.deepEqual(typingEvents(bc).slice(before), [{ roomId: 'r1', userId: 'bob', isTyping: false }]);
  typing.close();
});

test('typing again right after a send, within the gap, is told: the others dropped the indicator when the message landed', async () => {
  // The e2e sequence that hid "Bob is typing…" on a loaded machine: Bob types (told), sends
  // (the stop waits for the gap end), and starts his next message before the gap is over.
  // The web client sends one start per 2 s of keystrokes, so a short reply has no renewal.
  const bc = new RecordingBroadcaster();
  const gap = 300;
  const typing = new TypingService(new MemoryTypingStore(), bc, { broadcastEveryMs: gap });
  await typing.typing('bob', 'r1', true, 'sock-b');
  await typing.typing('bob', 'r1', false, 'sock-b'); // his client's stop on send
  await typing.stopped('bob', 'r1'); // the server's own stop for the message
  await typing.typing('bob', 'r1', true, 'sock-b'); // the next message, one keystroke in
  assert.deepEqual(
    typingEvents(bc).map((e) => e.isTyping),
    [true],
  );
  await new Promise((r) => setTimeout(r, gap * 2.5));
  assert.deepEqual(
    typingEvents(bc).map((e) => e.isTyping),
    [true, true],
    'the new start is told at the gap end; no stop, since he is typing',
  );
  // He sends that one too: the stop is told, once.
  await typing.stopped('bob', 'r1');
  await new Promise((r) => setTimeout(r, gap * 2.5));
  assert.deepEqual(
    typingEvents(bc).map((e) => e.isTyping),
    [true, true, false],
  );
  assert.equal(await typing.sweep(), 0, 'no mark left behind to be ended twice');
  typing.close();
});
