'use client';

import type { MentionPart } from '@qc/shared';
import type { Element, ElementContent } from 'hast';
import { memo, useMemo } from 'react';
import Markdown, { type Components, type Options } from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { CodeBlock } from './code-block';
import { defaultRenderMention, type RenderMention } from './mention';
import { MENTION_KIND, MENTION_USER_ID, rehypeChat } from './rehype-chat';
import { remarkChat } from './remark-chat';
import { chatSchema } from './schema';
import { safeUrlOrEmpty } from './url-policy';

const remarkPlugins: Options['remarkPlugins'] = [remarkGfm, remarkChat];
// The sanitiser last: whatever the parser and the chat's plugins made, only chatSchema leaves.
const rehypePlugins: Options['rehypePlugins'] = [rehypeChat, [rehypeSanitize, chatSchema]];

function textOf(node: ElementContent | Element): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

function languageOf(code: Element | undefined): string | undefined {
  const classes = code?.properties.className;
  const first = Array.isArray(classes) ? classes.find((c) => String(c).startsWith('language-')) : undefined;
  return first === undefined ? undefined : String(first).slice('language-'.length);
}

function mentionOf(node: Element | undefined): MentionPart | null {
  const kind = node?.properties[MENTION_KIND];
  if (kind === 'user') {
    const userId = node?.properties[MENTION_USER_ID];
    return typeof userId === 'string' ? { kind: 'user', userId } : null;
  }
  if (kind === 'here' || kind === 'channel') return { kind: 'broadcast', which: kind };
  return null;
}

function componentsFor(renderMention: RenderMention): Components {
  return {
    a: ({ href, children }) =>
      // An empty href is a URL the second gate (urlTransform) refused: text, not a dead link.
      href ? (
        <a href={href} target="_blank" rel="noopener noreferrer" title={href}>
          {children}
        </a>
      ) : (
        <span>{children}</span>
      ),
    pre: ({ node }) => {
      const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
      // The parser ends a fenced block with a newline; the block's box ends the line already.
      return <CodeBlock code={textOf(code ?? { type: 'text', value: '' }).replace(/\n$/, '')} language={languageOf(code)} />;
    },
    span: ({ node, children }) => {
      const mention = mentionOf(node);
      return mention ? renderMention(mention) : <span>{children}</span>;
    },
  };
}

/**
 * A message's markdown as React elements: GFM (bold, italic, strike, code, fences, quotes,
 * lists, tables, bare URLs), shaped for chat by remarkChat and rehypeChat and then
 * sanitised; raw HTML is shown as text. Mentions go through `renderMention`.
 */
export const ChatMarkdown = memo(function ChatMarkdown({
  content,
  renderMention = defaultRenderMention,
}: {
  content: string;
  renderMention?: RenderMention;
}) {
  const components = useMemo(() => componentsFor(renderMention), [renderMention]);
  return (
    <Markdown remarkPlugins={remarkPlugins} rehypePlugins={rehypePlugins} components={components} urlTransform={safeUrlOrEmpty}>
      {content}
    </Markdown>
  );
});
