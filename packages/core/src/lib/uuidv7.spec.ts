import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuidv7 } from './uuidv7';

test('uuidv7 has version 7 and the RFC variant', () => {
  const id = uuidv7();
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('ids sort in creation order, also within one millisecond', () => {
  const ids = Array.from({ length: 5000 }, () => uuidv7(1_700_000_000_000));
  const sorted = [...ids].sort();
  assert.deepEqual(ids, sorted);
  assert.equal(new Set(ids).size, ids.length);
});

test('the first 48 bits are the Unix milliseconds', () => {
  const ms = Date.UTC(2030, 0, 1);
  const id = uuidv7(ms);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), ms);
});
