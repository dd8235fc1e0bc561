import { memo } from 'react';
import { linkify } from '@/lib/linkify';

/**
 * Message content as React text nodes (so markup in it is shown, never run), with http(s)
 * URLs as links that open in a new tab without access to this page.
 */
export const MessageText = memo(function MessageText({ content }: { content: string }) {
  return (
    <>
      {linkify(content).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
});
