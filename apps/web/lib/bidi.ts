/**
 * Text people wrote (names, topics, messages) may carry right-to-left override characters:
 * `\u202egnp.exe` shows as "exe.png", and without isolation the override runs on into
 * whatever follows it on the line ("Alice is typing" read backwards). In markup such text
 * goes inside `<bdi>`; where only a plain string fits (a placeholder, a tooltip, a
 * confirm dialog, a notice), `isolate` wraps it in FIRST STRONG ISOLATE … POP DIRECTIONAL
 * ISOLATE, the same isolation in characters. Accessible names are left alone: screen
 * readers do not reorder text, and the marks would only get in the way of matching.
 */
export function isolate(text: string): string {
  return `\u2068${text}\u2069`;
}
