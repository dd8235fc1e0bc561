import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markdownToPlainText } from './plain-text';

describe('markdownToPlainText', () => {
  it('takes the markup out of inline formatting', () => {
    assert.equal(
      markdownToPlainText('**Release** _plan_ for ~~Thursday~~ `Friday` [docs](https://x.org)'),
      'Release plan for Thursday Friday docs',
    );
  });

  it('keeps blocks on lines of their own', () => {
    assert.equal(
      markdownToPlainText('# Title\n\n> quoted\n\n- one\n- two\n\n```js\nconst a = 1;\n```'),
      'Title\nquoted\none\ntwo\nconst a = 1;',
    );
  });

  it('keeps raw HTML and mention tokens as typed, and images as their alt text', () => {
    const id = '0b5f3c2e-8d7a-4c1b-9e6f-1a2b3c4d5e6f';
    assert.equal(markdownToPlainText(`<b>hi</b> <@${id}> @here ![a cat](https://x.org/c.png)`), `<b>hi</b> <@${id}> @here a cat`);
  });
});
