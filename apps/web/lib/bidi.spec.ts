import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isolate } from './bidi';

test('isolate wraps text in FSI … PDI, so an override inside ends with it', () => {
  assert.equal(isolate('\u202egnp.exe'), '\u2068\u202egnp.exe\u2069');
  assert.equal(`Message #${isolate('team')}`, 'Message #\u2068team\u2069');
});
