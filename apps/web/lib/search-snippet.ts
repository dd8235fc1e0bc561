/** A run of a snippet's text, marked (a matched word) or not. */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

/**
 * Splits a search hit's snippet at its marks, for the panel to wrap the marked runs in <mark>
 * elements it creates itself: the snippet is only ever text, whatever it contains. Marks out
 * of range, backwards or overlapping (a server of another version) are clamped or merged
 * rather than trusted.
 */
export function snippetParts(text: string, marks: readonly (readonly [number, number])[]): SnippetPart[] {
  const ranges = marks
    .map(([s, e]) => [Math.max(0, Math.min(s, text.length)), Math.max(0, Math.min(e, text.length))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [s, e] of ranges) {
    if (e <= at) continue;
    const start = Math.max(s, at);
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    const last = parts[parts.length - 1];
    if (last?.marked && start === at) last.text += text.slice(start, e);
    else parts.push({ text: text.slice(start, e), marked: true });
    at = e;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}
