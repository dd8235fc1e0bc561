import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkify } from './linkify';

describe('linkify', () => {
  it('keeps text without URLs as one text part', () => {
    assert.deepEqual(linkify('hello <img src=x onerror=alert(1)>'), [{ kind: 'text', text: 'hello <img src=x onerror=alert(1)>' }]);
  });

  it('turns http and https URLs into links and leaves sentence punctuation outside', () => {
    assert.deepEqual(linkify('see https://example.com/a?b=1. and http://x.org!'), [
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps a closing parenthesis that belongs to the URL', () => {
    const parts = linkify('(https://en.wikipedia.org/wiki/Foo_(bar))');
    assert.deepEqual(parts[1], {
      kind: 'link',
      text: 'https://en.wikipedia.org/wiki/Foo_(bar)',
      href: 'https://en.wikipedia.org/wiki/Foo_(bar)',
    });
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'JAVASCRIPT://%0aalert(1)', 'xhttps://evil.example']) {
      assert.ok(
        linkify(text).every((p) => p.kind === 'text'),
        text,
      );
    }
  });
});
