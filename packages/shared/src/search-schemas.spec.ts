import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeSearchCursor, searchMessagesQuery } from './schemas';

const roomId = '01a20792-8333-7000-85fe-754887c65753';

test('a search query is trimmed, 1 to 200 characters, with an optional room and a limit of 1 to 50 (20 by default)', () => {
  assert.deepEqual(searchMessagesQuery.parse({ q: '  hello  ' }), { q: 'hello', limit: 20 });
  assert.deepEqual(searchMessagesQuery.parse({ q: 'hi', roomId, limit: '50' }), { q: 'hi', roomId, limit: 50 });
  assert.equal(searchMessagesQuery.parse({ q: 'x'.repeat(200) }).q.length, 200);
  for (const bad of [
    {},
    { q: '' },
    { q: '   ' },
    { q: 'x'.repeat(201) },
    { q: 'hi', roomId: 'not-a-uuid' },
    { q: 'hi', limit: '0' },
    { q: 'hi', limit: '51' },
    { q: 'hi', limit: '2.5' },
    { q: 'hi', extra: '1' },
    { q: ['a', 'b'] },
  ]) {
    assert.equal(searchMessagesQuery.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('from is a user id; after and before take an ISO date or a date-time with a zone, and come out as UTC date-times', () => {
  const userId = '01a20792-8333-7000-85fe-754887c65754';
  assert.deepEqual(
    searchMessagesQuery.parse({ q: 'hi', from: userId.toUpperCase(), after: '2025-03-01', before: '2025-03-02T09:30:00+02:00' }),
    {
      q: 'hi',
      from: userId,
      after: '2025-03-01T00:00:00.000Z',
      before: '2025-03-02T07:30:00.000Z',
      limit: 20,
    },
  );
  assert.equal(searchMessagesQuery.parse({ q: 'hi', after: '2024-02-29T23:59:59.999Z' }).after, '2024-02-29T23:59:59.999Z');
  for (const bad of [
    { q: 'hi', from: 'someone' },
    { q: 'hi', after: 'yesterday' },
    { q: 'hi', after: '03/01/2025' },
    { q: 'hi', after: '2025-02-30' },
    { q: 'hi', after: '2025-13-01' },
    { q: 'hi', before: '2025-03-01T09:30:00', reason: 'no zone: it would mean the server’s' },
    { q: 'hi', before: '2025-03-01T25:00:00Z' },
    { q: 'hi', before: '1741000000000' },
    { q: 'hi', before: '' },
    { q: 'hi', before: ['2025-03-01', '2025-03-02'] },
    { q: 'hi', after: '2025-03-02', before: '2025-03-01' },
    { q: 'hi', after: '2025-03-01', before: '2025-03-01T00:00:00Z' },
  ]) {
    const { reason: _reason, ...query } = bad as typeof bad & { reason?: string };
    assert.equal(searchMessagesQuery.safeParse(query).success, false, JSON.stringify(bad));
  }
});

test('a cursor comes back as the place it encodes, and anything not shaped like one is refused', () => {
  const cursor = { createdAt: '2025-03-01T10:00:00.123Z', seq: 42, roomId };
  const encoded = encodeSearchCursor(cursor);
  assert.deepEqual(searchMessagesQuery.parse({ q: 'hi', cursor: encoded }).cursor, cursor);
  assert.deepEqual(searchMessagesQuery.parse({ q: 'hi', cursor: encoded.toUpperCase() }).cursor, cursor, 'the room id, lower-cased');
  for (const bad of [
    '',
    'x',
    '1.2',
    `1.2.${roomId}.4`,
    `-1.2.${roomId}`,
    `1.-2.${roomId}`,
    `1.2.not-a-uuid-not-a-uuid-not-a-uuid-x`,
    `1.99999999999999999.${roomId}`,
    `${'9'.repeat(16)}.2.${roomId}`,
    `1e3.2.${roomId}`,
  ]) {
    assert.equal(searchMessagesQuery.safeParse({ q: 'hi', cursor: bad }).success, false, bad);
  }
});
