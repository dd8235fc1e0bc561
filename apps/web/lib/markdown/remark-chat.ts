import type { Heading, Html, Nodes, Paragraph, Parents, PhrasingContent, Root, Text } from 'mdast';

/**
 * Markdown as a chat shows it, on the syntax tree before it becomes HTML:
 *
 * - Raw HTML (`<img onerror>`, `<script>`, `<b>`) is shown as the text that was typed, the
 *   way Slack and Discord do, never rendered: a person who writes `<div>` sees `<div>`.
 * - Headings are bold lines: a message is not a document, and an h1 in the middle of the
 *   timeline would also break the page's own heading outline (one h1: the room's name).
 * - Task-list checkboxes, footnotes and link definitions are shown as typed: a chat line
 *   should never vanish (a definition renders nothing) or turn into a form control.
 */
export function remarkChat() {
  return (tree: Root, file: { value: unknown }) => {
    const source = String(file.value);
    transformChildren(tree, source);
  };
}

const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition']);

function textNode(value: string): Text {
  return { type: 'text', value };
}

function paragraphOf(value: string): Paragraph {
  return { type: 'paragraph', children: [textNode(value)] };
}

/** What the person typed for this node, or '' when the parser gave it no position. */
function sourceOf(node: Nodes, source: string): string {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  return start === undefined || end === undefined ? '' : source.slice(start, end);
}

function transformChildren(parent: Parents, source: string): void {
  const isBlockParent = BLOCK_PARENTS.has(parent.type);
  const out: Nodes[] = [];
  for (const child of parent.children as Nodes[]) {
    out.push(...transformNode(child, isBlockParent, source));
  }
  (parent as { children: Nodes[] }).children = out;
}

function transformNode(node: Nodes, inBlock: boolean, source: string): Nodes[] {
  switch (node.type) {
    case 'html':
      return [inBlock ? paragraphOf((node as Html).value) : textNode((node as Html).value)];
    case 'heading': {
      transformChildren(node, source);
      const strong: PhrasingContent = { type: 'strong', children: (node as Heading).children };
      return [{ type: 'paragraph', children: [strong] }];
    }
    case 'footnoteReference':
      return [textNode(sourceOf(node, source))];
    case 'footnoteDefinition':
      return [paragraphOf(sourceOf(node, source))];
    case 'definition':
      // Kept (references to it still resolve) and shown, since on its own it renders nothing.
      return [node, paragraphOf(sourceOf(node, source))];
    case 'listItem': {
      transformChildren(node, source);
      if (typeof node.checked === 'boolean') {
        const marker = textNode(node.checked ? '[x] ' : '[ ] ');
        const first = node.children[0];
        if (first?.type === 'paragraph') first.children.unshift(marker);
        else node.children.unshift({ type: 'paragraph', children: [marker] });
        node.checked = null;
      }
      return [node];
    }
    default:
      if ('children' in node) transformChildren(node as Parents, source);
      return [node];
  }
}
