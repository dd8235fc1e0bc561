import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRoomBody, historyQuery, messageSendPayload, patchMeBody, registerBody } from './schemas';
import { parseWith } from './validation';

const roomId = '01a20792-8333-7000-85fe-754887c65753';

test('a good message payload parses; contentType defaults later, unknown keys are refused', () => {
  const ok = parseWith(messageSendPayload, { roomId, clientMsgId: 'abc-123', content: 'hello' });
  assert.equal(ok.ok, true);
  const extra = parseWith(messageSendPayload, { roomId, clientMsgId: 'abc', content: 'hi', isAdmin: true });
  assert.equal(extra.ok, false);
  const proto = parseWith(
    messageSendPayload,
    JSON.parse(`{"roomId":"${roomId}","clientMsgId":"a","content":"x","__proto__":{"polluted":1}}`),
  );
  assert.equal(proto.ok, false);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('content limits: not empty, not blank, at most 4000 characters', () => {
  const at = (content: unknown) => parseWith(messageSendPayload, { roomId, clientMsgId: 'a', content });
  assert.equal(at('x'.repeat(4000)).ok, true);
  const over = at('x'.repeat(4001));
  assert.equal(over.ok, false);
  if (!over.ok) {
    assert.equal(over.error.code, 'VALIDATION');
    assert.match(over.error.message, /^content: at most 4000/);
  }
  assert.equal(at('').ok, false);
  assert.equal(at(' \n\t ').ok, false);
  assert.equal(at(5).ok, false);
});

test('content is text: tabs and line breaks yes, other control characters no', () => {
  const at = (content: string) => parseWith(messageSendPayload, { roomId, clientMsgId: 'a', content });
  assert.equal(at('line one\r\n\tline two\n😀 ünïcode ‮rtl').ok, true);
  for (const c of ['\u0000', '\u0001', '\u0007', '\u001b[31m', '\u007f']) {
    const r = at(`before ${c} after`);
    assert.equal(r.ok, false, JSON.stringify(c));
    if (!r.ok) assert.match(r.error.message, /^content: must not contain control characters/);
  }
});

test('usernames are normalised to lower case and restricted to a safe alphabet', () => {
  const r = registerBody.safeParse({ username: '  Alice.B ', password: 'longenough' });
  assert.ok(r.success);
  assert.equal(r.data.username, 'alice.b');
  assert.equal(registerBody.safeParse({ username: 'al ice', password: 'longenough' }).success, false);
  assert.equal(registerBody.safeParse({ username: '<script>', password: 'longenough' }).success, false);
});

test('a profile patch cannot name a picture: pictures are uploaded, never linked', () => {
  assert.equal(patchMeBody.safeParse({ displayName: 'Alice' }).success, true);
  assert.equal(patchMeBody.safeParse({ avatarUrl: 'https://x.example/a.png' }).success, false);
  assert.equal(patchMeBody.safeParse({ avatarUrl: null }).success, false);
});

test('room creation is a union on kind', () => {
  assert.equal(createRoomBody.safeParse({ kind: 'direct', userId: roomId }).success, true);
  assert.equal(createRoomBody.safeParse({ kind: 'group', name: 'G' }).success, true);
  assert.equal(createRoomBody.safeParse({ kind: 'channel', name: '' }).success, false);
  assert.equal(createRoomBody.safeParse({ kind: 'direct', userId: roomId, name: 'x' }).success, false);
});

test('history query: before or after, never both; limit coerced and bounded', () => {
  const r = historyQuery.safeParse({ before: '10', limit: '20' });
  assert.ok(r.success);
  assert.deepEqual(r.data, { before: 10, limit: 20 });
  assert.equal(historyQuery.safeParse({ before: '10', after: '2' }).success, false);
  assert.equal(historyQuery.safeParse({ limit: '0' }).success, false);
  assert.equal(historyQuery.safeParse({ limit: '101' }).success, false);
  assert.equal(historyQuery.safeParse({}).data?.limit, 50);
});

test('files: a send names up to 10 distinct uploads, may then have no text, and its type must fit', () => {
  const a = '01a20792-8333-7000-85fe-754887c65754';
  const b = '01a20792-8333-7000-85fe-754887c65755';
  const at = (extra: Record<string, unknown>) => parseWith(messageSendPayload, { roomId, clientMsgId: 'a', content: '', ...extra });
  assert.equal(at({ attachmentIds: [a] }).ok, true);
  assert.equal(at({ attachmentIds: [a, b], content: 'two files', contentType: 'file' }).ok, true);
  assert.equal(at({ attachmentIds: [a], contentType: 'image' }).ok, true);
  assert.equal(at({}).ok, false, 'no text and no file');
  assert.equal(at({ attachmentIds: [] }).ok, false);
  assert.equal(at({ attachmentIds: [a, a] }).ok, false, 'the same file twice');
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `01a20792-8333-7000-85fe-754887c6${String(1000 + i)}`);
  assert.equal(at({ attachmentIds: ids(10) }).ok, true);
  assert.equal(
    at({ attachmentIds: Array.from({ length: 11 }, (_, i) => `01a20792-8333-7000-85fe-754887c6${String(1000 + i)}`) }).ok,
    false,
  );
  assert.equal(at({ attachmentIds: ['not-a-uuid'] }).ok, false);
  assert.equal(at({ attachmentIds: [a], contentType: 'text' }).ok, false, 'text with files');
  assert.equal(at({ content: 'hi', contentType: 'image' }).ok, false, 'image without files');
  const blank = at({ content: '   ', attachmentIds: [a] });
  assert.equal(blank.ok, false, 'blank text is still refused (send none instead)');
});
