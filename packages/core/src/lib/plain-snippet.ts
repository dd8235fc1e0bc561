/** Longest snippet handed to clients, in characters. */
export const SNIPPET_MAX = 200;

/** Highlight markers for engines that need some: control characters nobody types. */
export const HIGHLIGHT_PRE = '\u0002';
export const HIGHLIGHT_POST = '\u0003';

/**
 * Turns an engine's highlight fragment into the plain text clients get: the highlight
 * markers removed, whitespace collapsed, at most SNIPPET_MAX characters. Null when
 * nothing is left.
 */
export function plainSnippet(fragment: string | null | undefined): string | null {
  if (!fragment) return null;
  const text = fragment.replaceAll(HIGHLIGHT_PRE, '').replaceAll(HIGHLIGHT_POST, '').replace(/\s+/g, ' ').trim();
  if (!text) return null;
  return text.length > SNIPPET_MAX ? `${text.slice(0, SNIPPET_MAX - 1).trimEnd()}…` : text;
}

/**
 * The words of a search text: runs of letters, marks and digits, lower-cased, at most
 * `max`. Everything else (quotes, `*`, `:`, `&`, `|`, `!`, parentheses…) is a separator,
 * so a word can be handed to an engine's prefix query without carrying any of its syntax.
 */
export function searchWords(text: string, max = 32): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).slice(0, max);
}
