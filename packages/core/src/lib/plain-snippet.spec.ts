import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainSnippet, searchWords, SNIPPET_MAX } from './plain-snippet';

test('a snippet loses its markers and extra whitespace, and stays short', () => {
  assert.equal(plainSnippet('we said \u0002hello\u0003   to\nthe \u0002hello\u0003 people'), 'we said hello to the hello people');
  assert.equal(plainSnippet('<b>kept as text</b>'), '<b>kept as text</b>');
  assert.equal(plainSnippet(null), null);
  assert.equal(plainSnippet(' \u0002\u0003 '), null);
  const long = plainSnippet('word '.repeat(100));
  assert.ok(long !== null && long.length <= SNIPPET_MAX && long.endsWith('…'));
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
