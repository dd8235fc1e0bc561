import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messagePath } from '@qc/shared';
import { openMessageFromUrl } from './open-message';

const room = '01a20792-8333-7000-85fe-754887c65700';
const msg = '01a20792-8333-7000-85fe-7548870001aa';

test("a push's address opens its room at its message; what the server writes, the app reads", () => {
  const url = new URL(messagePath(room, msg, 42), 'https://chat.example');
  const p = url.searchParams;
  assert.equal(url.pathname, '/chat');
  assert.deepEqual(openMessageFromUrl(p.get('room'), p.get('message'), p.get('seq')), { roomId: room, messageId: msg, seq: 42 });
  assert.deepEqual(openMessageFromUrl(room, msg, 7), { roomId: room, messageId: msg, seq: 7 }, "the service worker's message");
});

test('a malformed target is ignored, a bad seq dropped', () => {
  assert.equal(openMessageFromUrl(room, null, '1'), null);
  assert.equal(openMessageFromUrl('javascript:alert(1)', msg, '1'), null);
  assert.equal(openMessageFromUrl(room, 42, '1'), null);
  assert.deepEqual(openMessageFromUrl(room, msg, '-3'), { roomId: room, messageId: msg, seq: null });
  assert.deepEqual(openMessageFromUrl(room, msg, '1e9'), { roomId: room, messageId: msg, seq: null });
  assert.deepEqual(openMessageFromUrl(room, msg, null), { roomId: room, messageId: msg, seq: null });
});
