import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snippetParts } from './search-snippet';

test('a snippet is split at its marks into plain and marked runs', () => {
  assert.deepEqual(
    snippetParts('the budget is due, budget!', [
      [4, 10],
      [19, 25],
    ]),
    [
      { text: 'the ', marked: false },
      { text: 'budget', marked: true },
      { text: ' is due, ', marked: false },
      { text: 'budget', marked: true },
      { text: '!', marked: false },
    ],
  );
  assert.deepEqual(snippetParts('no marks', []), [{ text: 'no marks', marked: false }]);
  assert.deepEqual(snippetParts('', [[0, 3]]), []);
});

test('markup in a snippet stays text: the runs carry it as written', () => {
  const parts = snippetParts('<img src=x onerror=alert(1)> budget', [[29, 35]]);
  assert.equal(parts[0]!.text, '<img src=x onerror=alert(1)> ');
  assert.equal(parts[0]!.marked, false);
  assert.deepEqual(parts[1], { text: 'budget', marked: true });
});

test('marks out of range, backwards, unordered or overlapping are clamped and merged, never thrown on', () => {
  assert.deepEqual(
    snippetParts('abcdef', [
      [4, 99],
      [-3, 1],
      [3, 2],
      [0, 2],
    ]),
    [
      { text: 'ab', marked: true },
      { text: 'cd', marked: false },
      { text: 'ef', marked: true },
    ],
  );
});
