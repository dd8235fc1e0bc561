'use client';

import { splitMentions } from '@qc/shared';
import { memo, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { whenIdle } from '@/lib/markdown/idle';
import { inItsOwnTask } from '@/lib/markdown/one-per-task';
import type { RenderMention } from '@/lib/markdown/mention';
import { MentionChip } from './mention-chip';

/** A mention as the chat shows it: the person's current name, marked when it is me. */
const chatMention: RenderMention = (part) => <MentionChip part={part} />;

/*
 * The markdown renderer (parser, GFM, sanitiser: about 20 kB compressed) is a chunk of its own,
 * so the chat's first load does not wait for it. It is fetched as soon as the page is idle
 * after its start (or by the first message, whichever comes first), alongside the room's first
 * sync. Messages show as plain lines until it is there, then switch to markdown one message
 * per task (see one-per-task.ts), so the switch never blocks the page for long.
 */
type Renderer = typeof import('@/lib/markdown/markdown').ChatMarkdown;
let renderer: Renderer | null = null;
let loading: Promise<Renderer> | null = null;
const loadMarkdown = (): Promise<Renderer> => (loading ??= import('@/lib/markdown/markdown').then((m) => (renderer = m.ChatMarkdown)));
whenIdle(() => void loadMarkdown().catch(() => undefined));

/** The markdown renderer once this message's turn to switch has come; null until then. */
function useRenderer(): Renderer | null {
  const [ready, setReady] = useState<Renderer | null>(() => renderer);
  useEffect(() => {
    if (ready) return;
    let live = true;
    loadMarkdown().then(
      (r) => inItsOwnTask(() => live && setReady(() => r)),
      // A chunk that fails to load (offline, a deploy in between) leaves the plain lines.
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [ready]);
  return ready;
}

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
  const ChatMarkdown = useRenderer();

  // Measured only while collapsed: expanded, the body has no cap to overflow. The observer's
  // first report comes after the browser's own layout, before paint, so no layout is forced
  // per message while a room's history renders.
  useLayoutEffect(() => {
    const el = body.current;
    if (!el || expanded) return;
    const measure = () => setTooTall(el.scrollHeight > el.clientHeight + 1);
    if (typeof ResizeObserver === 'undefined') {
      measure();
      return;
    }
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
          {ChatMarkdown ? (
            <ChatMarkdown content={content} renderMention={renderMention} />
          ) : (
            <PlainText content={content} renderMention={renderMention} />
          )}
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
