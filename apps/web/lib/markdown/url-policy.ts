/**
 * The only links a message may carry are http(s) URLs. Everything else (javascript:,
 * data:, vbscript:, file:, mailto:, relative or scheme-relative paths) is refused: the
 * renderer shows such a link as the text that was typed. The check parses the URL the way
 * the browser will, after the markdown parser has decoded entities (`&#106;avascript:`),
 * so case and encoding tricks land on the real scheme.
 */
export function isSafeHttpUrl(candidate: string): boolean {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The URL itself if it is safe, else '' (react-markdown's urlTransform contract): a second gate after the rehype plugin. */
export function safeUrlOrEmpty(url: string): string {
  return isSafeHttpUrl(url) ? url : '';
}
