import { Fragment, memo } from 'react';
import { linkify } from '@/lib/linkify';
import { WithMentions } from './mention-chip';

/**
 * Message content as React text nodes (so markup in it is shown, never run), with http(s)
 * URLs as links that open in a new tab without access to this page.
 *
 * Each line is a `<bdi>` of its own (see lib/bidi.ts): a right-to-left override in the
 * message stays in its line and never reverses "(edited)" or the receipt after it, and each
 * line takes its direction from its own first letter (a Hebrew line and an English line in
 * one message each read the right way).
 */
export const MessageText = memo(function MessageText({ content }: { content: string }) {
  return (
    <>
      {content.split('\n').map((line, n) => (
        <Fragment key={n}>
          {n > 0 && '\n'}
          <bdi>
            {linkify(line).map((part, i) =>
              part.kind === 'link' ? (
                <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
                  {part.text}
                </a>
              ) : (
                <span key={i}>
                  <WithMentions text={part.text} />
                </span>
              ),
            )}
          </bdi>
        </Fragment>
      ))}
    </>
  );
});
