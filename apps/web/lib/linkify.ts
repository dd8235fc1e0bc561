/**
 * Splits message text into plain text and http(s) links. Only text that starts with
 * `http://` or `https://` becomes a link, so `javascript:` and other schemes stay text.
 * The result is rendered as React text nodes and <a> elements, never as HTML.
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than the URL it follows. */
const TRAILING_PUNCTUATION = /[.,;:!?'")\]}>]+$/;

function trimTrailing(url: string): string {
  let trimmed = url.replace(TRAILING_PUNCTUATION, '');
  // Keep a closing parenthesis that balances one inside the URL (wikipedia links).
  const tail = url.slice(trimmed.length);
  if (tail.startsWith(')') && (trimmed.match(/\(/g)?.length ?? 0) > (trimmed.match(/\)/g)?.length ?? 0)) {
    trimmed += ')';
  }
  return trimmed;
}

function isSafeHttpUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const url = trimTrailing(match[0]);
    if (!isSafeHttpUrl(url)) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: url, href: url });
    last = start + url.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}
