import type { Message } from '@qc/shared';
import { plainTextOf } from './markdown/preview';

export { loadPlainText, usePlainTextReady } from './markdown/preview';

/** How much of a message a quote shows: one line, cut short the way Slack and Element do it. */
const SNIPPET_MAX = 120;

/**
 * What a quote or the "Replying to" bar shows of a message: the first line of its text with
 * the markdown taken out (a quote is one line of words, not a code block), shortened. A
 * component that shows one calls usePlainTextReady() (see ./markdown/preview).
 */
export function snippetOf(message: Pick<Message, 'content' | 'deletedAt'>): string {
  if (message.deletedAt) return 'deleted message';
  const firstLine =
    plainTextOf(message.content)
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? '';
  return firstLine.length > SNIPPET_MAX ? `${firstLine.slice(0, SNIPPET_MAX - 1)}…` : firstLine;
}
