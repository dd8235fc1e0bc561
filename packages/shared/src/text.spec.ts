import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userText, seqParam, uuid } from './text';
import { createRoomBody, historyQuery, messageSendPayload, patchMeBody } from './schemas';
import { parseWith } from './validation';

const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

test('user text is NFC: the same name typed as e + combining accent or as é is one string', () => {
  const r = userText({ min: 1, max: 10 }).parse('Re\u0301mi');
  assert.equal(r, 'R\u00e9mi');
});

test('one-line text refuses NUL, other controls and line breaks; names also refuse bidi overrides', () => {
  const line = userText({ min: 1, max: 80 });
  const name = userText({ min: 1, max: 80, name: true });
  for (const bad of ['a\u0000b', 'a\u0007b', 'a\nb', 'a\u0085b']) assert.equal(line.safeParse(bad).success, false, JSON.stringify(bad));
  assert.equal(line.safeParse('\u202Egnp.exe').success, true, 'a topic or query may quote such text; it is isolated when shown');
  assert.equal(name.safeParse('\u202Egnp.exe').success, false);
  assert.equal(name.safeParse('مرحبا world').success, true, 'right-to-left letters are fine; only the invisible controls are not');
});

test('messages keep tabs, line breaks and leading spaces, refuse NUL, and must not be blank', () => {
  const send = (content: string) => parseWith(messageSendPayload, { roomId: id, clientMsgId: 'c1', content });
  const ok = send('  indented\n\tcode');
  assert.equal(ok.ok && ok.value.content, '  indented\n\tcode');
  assert.equal(send('a\u0000b').ok, false);
  assert.equal(send(' \n\t ').ok, false);
});

test('names, topics and display names with a NUL are VALIDATION, never stored', () => {
  assert.equal(parseWith(createRoomBody, { kind: 'channel', name: 'x\u0000y' }).ok, false);
  assert.equal(parseWith(createRoomBody, { kind: 'channel', name: 'ok', topic: 't\u0000' }).ok, false);
  assert.equal(parseWith(patchMeBody, { displayName: 'Ann\u0000' }).ok, false);
});

test('cursors past what a bigint and a JS number both hold exactly are refused', () => {
  assert.equal(parseWith(historyQuery, { before: '1e22' }).ok, false);
  assert.equal(parseWith(historyQuery, { after: '99999999999999999999' }).ok, false);
  assert.equal(parseWith(historyQuery, { after: String(Number.MAX_SAFE_INTEGER) }).ok, true);
  assert.equal(seqParam(0).safeParse('12').success, true);
});

test('ids are UUIDs compared as lower case: an upper-case id names the same room', () => {
  const id = '0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b';
  assert.equal(uuid.parse(id.toUpperCase()), id);
  assert.equal(uuid.parse(id), id);
  for (const bad of ['', 'not-a-uuid', `${id}\u0000`, `${id} `, '0193a1b2c3d47e5f8a6b1c2d3e4f5a6b'])
    assert.equal(uuid.safeParse(bad).success, false, bad);
});
