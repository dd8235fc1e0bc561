import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPlainText, snippetOf } from './quote';

describe('snippetOf', () => {
  before(() => loadPlainText());

  it('shows the first line of a message', () => {
    assert.equal(snippetOf({ content: '  hello\nsecond line', deletedAt: null }), 'hello');
  });

  it('shows the words of a markdown message, not its markup', () => {
    assert.equal(snippetOf({ content: '**Release** plan for `Friday`\nmore', deletedAt: null }), 'Release plan for Friday');
    assert.equal(snippetOf({ content: '```js\nconst a = 1;\n```', deletedAt: null }), 'const a = 1;');
    assert.equal(snippetOf({ content: '# Title\n\nbody', deletedAt: null }), 'Title');
  });

  it('cuts a long line short', () => {
    const snippet = snippetOf({ content: 'x'.repeat(500), deletedAt: null });
    assert.equal(snippet.length, 120);
    assert.ok(snippet.endsWith('…'));
  });

  it('says a tombstone is a deleted message', () => {
    assert.equal(snippetOf({ content: '', deletedAt: '2026-01-01T00:00:00.000Z' }), 'deleted message');
  });
});
