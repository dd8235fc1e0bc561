import type { Message } from '@qc/shared';

/** How much of a message a quote shows: one line, cut short the way Slack and Element do it. */
const SNIPPET_MAX = 120;

/** What a quote or the "Replying to" bar shows of a message: its first line, shortened. */
export function snippetOf(message: Pick<Message, 'content' | 'deletedAt'>): string {
  if (message.deletedAt) return 'deleted message';
  const firstLine = message.content.trim().split('\n', 1)[0] ?? '';
  return firstLine.length > SNIPPET_MAX ? `${firstLine.slice(0, SNIPPET_MAX - 1)}…` : firstLine;
}
