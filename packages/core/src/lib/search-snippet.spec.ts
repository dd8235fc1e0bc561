import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markedSnippet, searchWords, SNIPPET_MAX } from './search-snippet';

/** The marked parts of a snippet, as text: what a client would wrap in <mark>. */
const marked = (s: ReturnType<typeof markedSnippet>) => s.marks.map(([a, b]) => s.highlight!.slice(a, b));

test('a snippet loses its markers and extra whitespace, and says where the marked words are', () => {
  const s = markedSnippet('we said \u0002hello\u0003   to\nthe \u0002Hello\u0003 people');
  assert.equal(s.highlight, 'we said hello to the Hello people');
  assert.deepEqual(s.marks, [
    [8, 13],
    [21, 26],
  ]);
  assert.deepEqual(marked(s), ['hello', 'Hello']);
  assert.deepEqual(markedSnippet('<b>kept as text</b>'), { highlight: '<b>kept as text</b>', marks: [] });
  assert.deepEqual(markedSnippet(null), { highlight: null, marks: [] });
  assert.deepEqual(markedSnippet(' \u0002\u0003 '), { highlight: null, marks: [] });
});

test('marks follow the text they covered: whitespace inside or around them, touching marks, a marker left open', () => {
  assert.deepEqual(marked(markedSnippet('  \u0002  lead\u0003 and')), ['lead']);
  assert.deepEqual(marked(markedSnippet('a \u0002two  words \u0003 b')), ['two words']);
  assert.deepEqual(marked(markedSnippet('\u0002hel\u0003\u0002lo\u0003 there')), ['hello']);
  assert.deepEqual(marked(markedSnippet('x \u0002open to the end')), ['open to the end']);
  assert.deepEqual(marked(markedSnippet('stray\u0003 close')), []);
  assert.deepEqual(marked(markedSnippet('<b>\u0002b\u0003</b>')), ['b']);
});

test('a long snippet is cut with an ellipsis, and its marks with it', () => {
  const long = markedSnippet(`${'word '.repeat(30)}\u0002needle\u0003 ${'word '.repeat(30)}\u0002late\u0003`);
  assert.ok(long.highlight !== null && long.highlight.length <= SNIPPET_MAX && long.highlight.endsWith('…'));
  assert.deepEqual(marked(long), ['needle'], 'a mark past the cut is gone');
  const straddling = markedSnippet(`${'x'.repeat(190)} \u0002${'y'.repeat(20)}\u0003`);
  assert.equal(marked(straddling)[0], 'y'.repeat(8), 'a mark across the cut ends there');
  const emoji = markedSnippet(`${'x'.repeat(SNIPPET_MAX - 2)}😀😀`);
  assert.ok(!/[\uD800-\uDBFF]…$/.test(emoji.highlight!), 'no half of a surrogate pair left before the ellipsis');
});

test('search words are letters and digits only, lower-cased, so no query syntax survives', () => {
  assert.deepEqual(searchWords(`It's "quoted" a*b:c & d|e !f (g) 'h' 42 Ünïcode`), [
    'it',
    's',
    'quoted',
    'a',
    'b',
    'c',
    'd',
    'e',
    'f',
    'g',
    'h',
    '42',
    'ünïcode',
  ]);
  assert.deepEqual(searchWords(`'"*:&|!(`), []);
  assert.equal(searchWords('w '.repeat(100)).length, 32);
});
