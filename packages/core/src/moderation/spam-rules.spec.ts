import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasLink, repeatFingerprint } from './spam-rules';

test('copies that differ only in case, width and spacing are the same text', () => {
  const a = repeatFingerprint('Buy cheap followers at our shop');
  assert.ok(a);
  assert.equal(repeatFingerprint('  BUY cheap   followers\nat our shop '), a);
  assert.equal(repeatFingerprint('Ｂｕｙ cheap followers at our shop'), a, 'full-width letters fold');
  assert.notEqual(repeatFingerprint('Buy cheap followers at our shop!'), a, 'a different text is different');
});

test('short texts are not compared', () => {
  assert.equal(repeatFingerprint('ok'), null);
  assert.equal(repeatFingerprint('thanks all!'), null);
  assert.equal(repeatFingerprint('  👍👍👍👍👍  '), null);
  assert.ok(repeatFingerprint('see you all tomorrow'));
});

test('links: schemes, www., bare domains and e-mail addresses; not ordinary words with dots', () => {
  for (const t of [
    'go to https://example.com/x',
    'www.example.org',
    'see example.com now',
    'mail me@example.com',
    'http://127.0.0.1:3000/',
    'deals at shop.md/deal',
    'www.readme.md',
    'http://x.py',
    'see README.md or evil.io',
    'cheap pills at pills.in',
    'free followers on followers.ml and deals.cc',
  ]) {
    assert.equal(hasLink(t), true, t);
  }
  for (const t of [
    'hello there',
    'version 1.2.3 is out',
    'end of sentence.Next one',
    'a...b',
    'file.txt',
    'see README.md',
    'run setup.sh then main.py',
    'lib.rs and notes.pl',
  ]) {
    assert.equal(hasLink(t), false, t);
  }
});
