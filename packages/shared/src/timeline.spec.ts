import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emojiSchema, messageEditPayload, reactionPayload, roomDeliveredPayload } from './timeline';
import { parseWith } from './validation';

const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

test('one emoji of any kind is a reaction: plain, with a skin tone, a ZWJ family, a flag, a keycap', () => {
  for (const e of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🏳️‍🌈', '🇫🇷', '1️⃣', '🎉', '😀'])
    assert.equal(emojiSchema.safeParse(e).success, true, `${e} should be accepted`);
});

test('text, shortcodes, two emoji, markup and empty strings are not a reaction', () => {
  for (const e of ['', 'a', ':thumbsup:', '👍👍', '👍 ', ' 👍', '<b>', '1', '🇫', 'x'.repeat(40)])
    assert.equal(emojiSchema.safeParse(e).success, false, `${JSON.stringify(e)} should be refused`);
});

test('an edit follows the rules of a send, and an unknown key is refused', () => {
  assert.equal(parseWith(messageEditPayload, { roomId: id, messageId: id, content: 'fixed' }).ok, true);
  for (const content of ['', '   ', 'x'.repeat(4001), 'a\u0000b']) {
    const r = parseWith(messageEditPayload, { roomId: id, messageId: id, content });
    assert.equal(r.ok, false, JSON.stringify(content));
    if (!r.ok) assert.equal(r.error.code, 'VALIDATION');
  }
  assert.equal(parseWith(messageEditPayload, { roomId: id, messageId: id, content: 'x', senderId: id }).ok, false);
});

test('reactions and delivered pointers are checked by shape', () => {
  assert.equal(parseWith(reactionPayload, { roomId: id, messageId: id, emoji: '🎉' }).ok, true);
  assert.equal(parseWith(reactionPayload, { roomId: id, messageId: 'nope', emoji: '🎉' }).ok, false);
  assert.equal(parseWith(roomDeliveredPayload, { roomId: id, seq: 3 }).ok, true);
  assert.equal(parseWith(roomDeliveredPayload, { roomId: id, seq: -1 }).ok, false);
  assert.equal(parseWith(roomDeliveredPayload, { roomId: id, seq: 1.5 }).ok, false);
});
