import type { Nodes } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

const parser = unified().use(remarkParse).use(remarkGfm);

const BLOCKS = new Set(['root', 'blockquote', 'list', 'listItem', 'table', 'tableRow', 'footnoteDefinition']);

function plain(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
    case 'html':
      return node.value;
    case 'break':
      return '\n';
    case 'image':
      return node.alt ?? '';
    case 'imageReference':
      return node.alt ?? '';
    case 'footnoteReference':
      return `[^${node.label ?? node.identifier}]`;
    case 'definition':
    case 'thematicBreak':
    case 'yaml':
      return '';
    case 'tableCell':
      return node.children.map(plain).join('');
    default:
      if (!('children' in node)) return '';
      return (node.children as Nodes[]).map(plain).join(BLOCKS.has(node.type) ? '\n' : '');
  }
}

/**
 * A message as the words it shows, without its markdown: for one-line previews (a reply's
 * quote, the "Replying to" bar, the pinned list), where `**bold**` or a code fence would be
 * noise and block markup does not fit. Raw HTML stays as typed (the message shows it as text
 * too) and mention tokens stay tokens, for whoever renders the preview to resolve.
 */
export function markdownToPlainText(content: string): string {
  return plain(parser.parse(content));
}
