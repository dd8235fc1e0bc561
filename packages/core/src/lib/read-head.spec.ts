import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { readHead } from './read-head';

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

test('the head is the first bytes asked for, and the body still yields every byte in order', async () => {
  const { head, body } = await readHead(chunks('abc', 'defg', 'hij'), 5);
  assert.equal(head.toString(), 'abcde');
  assert.equal((await buffer(body)).toString(), 'abcdefghij');
});

test('a stream shorter than the head is read whole; an empty one gives an empty head and body', async () => {
  const short = await readHead(chunks('ab'), 100);
  assert.equal(short.head.toString(), 'ab');
  assert.equal((await buffer(short.body)).toString(), 'ab');
  const empty = await readHead(chunks(), 10);
  assert.equal(empty.head.length, 0);
  assert.equal((await buffer(empty.body)).length, 0);
});

test('an error after the head reaches whoever reads the body', async () => {
  async function* failing() {
    yield Buffer.from('0123456789');
    throw new Error('connection reset');
  }
  const { head, body } = await readHead(Readable.from(failing()), 4);
  assert.equal(head.toString(), '0123');
  await assert.rejects(buffer(body), /connection reset/);
});
