import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchMessagesQuery } from './schemas';

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
