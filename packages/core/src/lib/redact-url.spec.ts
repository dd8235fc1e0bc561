import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactUrl } from './redact-url';

test('redactUrl masks the password and keeps the rest', () => {
  assert.equal(redactUrl('postgres://qc:s3cr3t@db:5432/qc'), 'postgres://qc:***@db:5432/qc');
  assert.equal(redactUrl('https://elastic:p%40ss@es.example:9243'), 'https://elastic:***@es.example:9243');
  assert.equal(redactUrl('http://127.0.0.1:9200'), 'http://127.0.0.1:9200');
});
