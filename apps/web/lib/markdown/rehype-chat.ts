import { splitMentions } from '@qc/shared';
import type { Element, ElementContent, Nodes, Parents, Root, Text } from 'hast';
import { isSafeHttpUrl } from './url-policy';

/**
 * The HTML tree of a message, made fit for the timeline (runs before the sanitiser, which
 * then checks that only what this produces is left):
 *
 * - a link to anything but http(s) becomes the text that was typed (`[x](javascript:…)`
 *   stays readable, and harmless), and so does an image with such a source; an image with
 *   an http(s) source becomes a link to it, so no remote image is ever loaded;
 * - mentions (`<@userId>`, `@here`, `@channel`) in text outside code become
 *   `<span data-mention>` for the renderer to turn into chips; code shows what was typed;
 * - each line of a paragraph, list item or table cell is a `<bdi>` of its own and each of
 *   those blocks gets `dir="auto"`, so every line reads in the direction of its own first
 *   letter and a right-to-left override stays inside its line (see lib/bidi.ts);
 * - line breaks are newline characters (the message body is `white-space: pre-wrap`, as
 *   plain messages always were), and the whitespace between blocks is dropped.
 */
export function rehypeChat() {
  return (tree: Root, file: { value: unknown }) => {
    const source = String(file.value);
    rewrite(tree, source, false);
    isolate(tree);
  };
}

/** The attribute the sanitiser lets through on a mention span, and what the renderer reads. */
export const MENTION_KIND = 'dataMention';
export const MENTION_USER_ID = 'dataUserId';

const CODE_TAGS = new Set(['code', 'pre']);

function text(value: string): Text {
  return { type: 'text', value };
}

function element(tagName: string, properties: Element['properties'], children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children };
}

function textContent(node: Nodes): string {
  if (node.type === 'text') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textContent).join('');
  return '';
}

/** What the person typed for this element, or its text when the parser left no position. */
function typed(node: Element, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return textContent(node);
  return source.slice(start, end);
}

function rewrite(parent: Parents, source: string, inCode: boolean): void {
  const out: ElementContent[] = [];
  for (const child of parent.children as ElementContent[]) {
    if (child.type === 'text') {
      if (inCode) out.push(child);
      else out.push(...mentions(child.value));
      continue;
    }
    if (child.type !== 'element') {
      out.push(child);
      continue;
    }
    if (child.tagName === 'a') {
      const href = child.properties.href;
      if (typeof href !== 'string' || !isSafeHttpUrl(href)) {
        out.push(text(typed(child, source)));
        continue;
      }
      child.properties = { href };
    } else if (child.tagName === 'img') {
      const src = child.properties.src;
      if (typeof src !== 'string' || !isSafeHttpUrl(src)) {
        out.push(text(typed(child, source)));
        continue;
      }
      const alt = typeof child.properties.alt === 'string' && child.properties.alt.trim() ? child.properties.alt : src;
      out.push(element('a', { href: src }, [text(alt)]));
      continue;
    }
    rewrite(child, source, inCode || CODE_TAGS.has(child.tagName));
    out.push(child);
  }
  (parent as { children: ElementContent[] }).children = out;
}

function mentions(value: string): ElementContent[] {
  return splitMentions(value).map((part) => {
    switch (part.kind) {
      case 'text':
        return text(part.text);
      case 'user':
        return element('span', { [MENTION_KIND]: 'user', [MENTION_USER_ID]: part.userId }, []);
      case 'broadcast':
        return element('span', { [MENTION_KIND]: part.which }, []);
    }
  });
}

/** Blocks whose text is laid out line by line: each line is isolated, the block takes dir="auto". */
const LINE_BLOCKS = new Set(['p', 'li', 'td', 'th']);
/** Elements that hold only other blocks: whitespace between their children is not content. */
const BLOCK_TAGS = new Set(['blockquote', 'ol', 'ul', 'li', 'p', 'pre', 'hr', 'table', 'thead', 'tbody', 'tr', 'td', 'th', 'div']);

function isBlock(node: ElementContent): boolean {
  return node.type === 'element' && BLOCK_TAGS.has(node.tagName);
}

function isWhitespace(node: ElementContent): boolean {
  return node.type === 'text' && node.value.trim() === '';
}

function isolate(parent: Parents): void {
  for (const child of parent.children) {
    if (child.type === 'element' && !CODE_TAGS.has(child.tagName)) isolate(child);
  }
  if (parent.type === 'element' && LINE_BLOCKS.has(parent.tagName)) {
    parent.properties = { ...parent.properties, dir: 'auto' };
    parent.children = isolateLines(parent.children);
  } else if (parent.type === 'root' || (parent.type === 'element' && BLOCK_TAGS.has(parent.tagName) && parent.tagName !== 'pre')) {
    parent.children = parent.children.filter((c) => !isWhitespace(c as ElementContent));
  }
}

/**
 * Splits phrasing content into lines at newlines and `<br>`s (a hard break is followed by a
 * newline in the text already), wraps each line in a `<bdi>`, and keeps nested blocks (a list
 * inside a list item) as they are.
 */
function isolateLines(children: ElementContent[]): ElementContent[] {
  type Run = { kind: 'line'; nodes: ElementContent[] } | { kind: 'block'; node: ElementContent };
  const runs: Run[] = [];
  let line: ElementContent[] = [];
  const endLine = () => {
    runs.push({ kind: 'line', nodes: line });
    line = [];
  };
  let afterBreak = false;
  for (const child of children) {
    if (isBlock(child)) {
      endLine();
      runs.push({ kind: 'block', node: child });
      afterBreak = false;
    } else if (child.type === 'element' && child.tagName === 'br') {
      endLine();
      afterBreak = true;
    } else if (child.type === 'text') {
      const pieces = child.value.split('\n');
      if (afterBreak && pieces.length > 1 && pieces[0] === '') pieces.shift();
      pieces.forEach((piece, i) => {
        if (i > 0) endLine();
        if (piece) line.push(text(piece));
      });
      afterBreak = false;
    } else {
      line.push(child);
      afterBreak = false;
    }
  }
  endLine();

  const out: ElementContent[] = [];
  let previousWasLine = false;
  runs.forEach((run, i) => {
    if (run.kind === 'block') {
      out.push(run.node);
      previousWasLine = false;
      return;
    }
    const blank = run.nodes.every(isWhitespace);
    // A blank line next to a nested block or at either end is the markup's layout, not the text's.
    const atEdge = i === 0 || i === runs.length - 1 || runs[i - 1]?.kind === 'block' || runs[i + 1]?.kind === 'block';
    if (blank && atEdge) return;
    if (previousWasLine) out.push(text('\n'));
    out.push(element('bdi', {}, run.nodes));
    previousWasLine = true;
  });
  return out;
}
