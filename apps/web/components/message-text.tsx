'use client';

import { splitMentions } from '@qc/shared';
import { lazy, memo, Suspense, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { whenIdle } from '@/lib/markdown/idle';
import type { RenderMention } from '@/lib/markdown/mention';
import { MentionChip } from './mention-chip';

/** A mention as the chat shows it: the person's current name, marked when it is me. */
const chatMention: RenderMention = (part) => <MentionChip part={part} />;

/*
 * The markdown renderer (parser, GFM, sanitiser: about 50 kB compressed) is a chunk of its own,
 * so the chat's first load does not wait for it. It is fetched as soon as the page is idle
 * after its start (or by the first message, whichever comes first), alongside the room's first
 * sync, so it is normally there before the first message is.
 */
const loadMarkdown = () => import('@/lib/markdown/markdown');
const ChatMarkdown = lazy(() => loadMarkdown().then((m) => ({ default: m.ChatMarkdown })));
whenIdle(() => void loadMarkdown().catch(() => undefined));

/**
 * The message as plain lines while the renderer loads: the same paragraph and per-line
 * `<bdi>`s the renderer makes of a message without markup, so a plain message does not move
 * when the markdown arrives.
 */
function PlainText({ content, renderMention }: { content: string; renderMention: RenderMention }) {
  const lines = content.trim().split('\n');
  return (
    <p dir="auto">
      {lines.map((line, n) => (
        <span key={n}>
          {n > 0 && '\n'}
          <bdi>
            {splitMentions(line).map((part, i) => (
              <span key={i}>{part.kind === 'text' ? part.text : renderMention(part)}</span>
            ))}
          </bdi>
        </span>
      ))}
    </p>
  );
}

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
  renderMention = chatMention,
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
          <Suspense fallback={<PlainText content={content} renderMention={renderMention} />}>
            <ChatMarkdown content={content} renderMention={renderMention} />
          </Suspense>
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
