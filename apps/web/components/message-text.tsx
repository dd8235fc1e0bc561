'use client';

import { memo, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { ChatMarkdown, type RenderMention } from '@/lib/markdown/markdown';

/**
 * A message's body: its markdown (see lib/markdown), with `trailer` ("(edited)", the receipt
 * tick) on the line after the last word when the message ends in a paragraph, and a
 * "Show more" button when the body is taller than the cap in markdown.css.
 *
 * The collapsed body is cut by CSS, not by slicing the text, so the whole message stays in
 * the page (the browser's find and a screen reader still get all of it) and the cap is
 * measured on what is really shown, whatever the font, width or line wrapping.
 */
export const MessageText = memo(function MessageText({
  content,
  trailer,
  renderMention,
}: {
  content: string;
  trailer?: ReactNode;
  renderMention?: RenderMention;
}) {
  const bodyId = useId();
  const body = useRef<HTMLDivElement>(null);
  const [expanded, setExpanded] = useState(false);
  const [tooTall, setTooTall] = useState(false);

  // Measured only while collapsed: expanded, the body has no cap to overflow.
  useLayoutEffect(() => {
    const el = body.current;
    if (!el || expanded) return;
    const measure = () => setTooTall(el.scrollHeight > el.clientHeight + 1);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [expanded, content]);

  const collapsed = tooTall && !expanded;
  return (
    <>
      <div
        id={bodyId}
        ref={body}
        className={`message__text${expanded ? '' : ' message__text--capped'}${collapsed ? ' message__text--collapsed' : ''}`}
      >
        <div className="markdown" data-testid="message-text">
          <ChatMarkdown content={content} renderMention={renderMention} />
        </div>
        {trailer}
      </div>
      {tooTall && (
        <button
          type="button"
          className="link-button message__more"
          aria-expanded={expanded}
          aria-controls={bodyId}
          onClick={() => setExpanded((v) => !v)}
        >
          {expanded ? 'Show less' : 'Show more'}
        </button>
      )}
    </>
  );
});
