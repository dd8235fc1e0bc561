/** Longest snippet handed to clients, in characters. */
export const SNIPPET_MAX = 200;

/**
 * Highlight markers for the engines' highlighters: control characters, which message
 * content cannot hold (the send schema refuses them), so a marker is never ambiguous.
 */
export const HIGHLIGHT_PRE = '\u0002';
export const HIGHLIGHT_POST = '\u0003';

export interface MarkedSnippet {
  /** Plain text, whitespace collapsed, at most SNIPPET_MAX characters; null when nothing is left. */
  highlight: string | null;
  /** The marked words as [start, end) offsets into `highlight`, ascending and apart. */
  marks: [number, number][];
}

const isSpace = (c: string) => /\s/.test(c);

/**
 * Turns an engine's highlight fragment into what clients get: the text without the markers,
 * and where the markers were as offsets. The text is never HTML and carries no markup of
 * ours, so a client can only show it as text, marking the ranges itself. Whitespace runs
 * become one space and the ends are trimmed; marks follow the text they covered.
 */
export function markedSnippet(fragment: string | null | undefined): MarkedSnippet {
  let text = '';
  const marks: [number, number][] = [];
  let pendingSpace = false;
  let inMark = false;
  let start: number | null = null;
  for (const c of fragment ?? '') {
    if (c === HIGHLIGHT_PRE) {
      inMark = true;
      start = null;
    } else if (c === HIGHLIGHT_POST) {
      if (inMark && start !== null && text.length > start) addMark(marks, start, text.length);
      inMark = false;
    } else if (isSpace(c)) {
      pendingSpace = true;
    } else {
      if (pendingSpace && text.length > 0) text += ' ';
      pendingSpace = false;
      if (inMark && start === null) start = text.length;
      text += c;
    }
  }
  if (inMark && start !== null && text.length > start) addMark(marks, start, text.length);
  if (!text) return { highlight: null, marks: [] };
  if (text.length <= SNIPPET_MAX) return { highlight: text, marks };
  let cut = SNIPPET_MAX - 1;
  // Never split a surrogate pair (an emoji) in half.
  if (/[\uD800-\uDBFF]/.test(text[cut - 1]!)) cut -= 1;
  const kept = text.slice(0, cut).trimEnd();
  return {
    highlight: `${kept}…`,
    marks: marks.filter(([s]) => s < kept.length).map(([s, e]): [number, number] => [s, Math.min(e, kept.length)]),
  };
}

/** Adds a mark, joining it to the one before when they touch (`<em>a</em><em>b</em>` is one word). */
function addMark(marks: [number, number][], start: number, end: number) {
  const last = marks[marks.length - 1];
  if (last && last[1] >= start) last[1] = Math.max(last[1], end);
  else marks.push([start, end]);
}

/**
 * The words of a search text: runs of letters, marks and digits, lower-cased, at most
 * `max`. Everything else (quotes, `*`, `:`, `&`, `|`, `!`, parentheses…) is a separator,
 * so a word can be handed to an engine's prefix query without carrying any of its syntax.
 */
export function searchWords(text: string, max = 32): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? []).slice(0, max);
}
