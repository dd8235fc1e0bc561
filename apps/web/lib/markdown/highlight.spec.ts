import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Element, Root } from 'hast';
import { highlightTree } from './highlight';

function classesOf(tree: Root): string[] {
  const out: string[] = [];
  const walk = (node: Root | Element) => {
    for (const child of node.children) {
      if (child.type !== 'element') continue;
      out.push(...((child.properties.className as string[] | undefined) ?? []));
      walk(child);
    }
  };
  walk(tree);
  return out;
}

describe('highlightTree', () => {
  it('marks up the registered languages by name and alias', () => {
    for (const language of ['js', 'javascript', 'ts', 'TypeScript']) {
      const tree = highlightTree('const answer = 42;', language);
      assert.ok(tree, language);
      assert.ok(classesOf(tree).includes('hljs-keyword'), language);
    }
    assert.ok(classesOf(highlightTree('echo "hi"', 'sh')!).includes('hljs-built_in'));
  });

  it('leaves a language it does not know to plain text', () => {
    assert.equal(highlightTree('10 PRINT "HI"', 'basic'), null);
  });

  it('keeps the code as text: markup in it is a string, never an element', () => {
    const tree = highlightTree('const s = "<img src=x onerror=alert(1)>";', 'js')!;
    const tags = new Set<string>();
    const walk = (node: Root | Element) =>
      node.children.forEach((c) => {
        if (c.type === 'element') {
          tags.add(c.tagName);
          walk(c);
        }
      });
    walk(tree);
    assert.deepEqual([...tags], ['span']);
  });
});
