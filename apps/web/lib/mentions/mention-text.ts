import { mentionToken, parseMentions } from '@qc/shared';

/*
 * Mentions as a person writes them: the composer shows `@Display Name` and keeps which
 * person each inserted name stands for; what is sent is the reference `<@userId>` (see
 * @qc/shared mentions), so a later rename still resolves. Editing turns references back
 * into names.
 */

/** A name inserted from the autocomplete, and whom it means. */
export interface PickedMention {
  label: string;
  userId: string;
}

/** The `@word` being typed at the caret: where its `@` is, and what follows it so far. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[\s([{"'])@([^\s@]{0,30})$/u.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

/** The text with `@label ` put in place of the `@query` from `start` to `caret`, and where the caret goes. */
export function insertMention(text: string, start: number, caret: number, label: string): { text: string; caret: number } {
  const inserted = `@${label} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What is sent: each picked `@label` still in the text (not followed by more of a word)
 * becomes its person's reference; longer labels first, so "@Ann Lee" is not taken as "@Ann".
 */
export function toWire(text: string, picked: readonly PickedMention[]): string {
  let out = text;
  for (const p of [...picked].sort((a, b) => b.label.length - a.label.length)) {
    out = out.replace(new RegExp(`@${escapeRe(p.label)}(?![\\p{L}\\p{N}_])`, 'gu'), mentionToken(p.userId));
  }
  return out;
}

/** For editing a sent message: references back to `@names`, and what they stand for. */
export function fromWire(content: string, nameOf: (userId: string) => string): { text: string; picked: PickedMention[] } {
  const picked: PickedMention[] = [];
  const { userIds } = parseMentions(content);
  let text = content;
  for (const userId of userIds) {
    const label = nameOf(userId);
    text = text.split(mentionToken(userId)).join(`@${label}`);
    picked.push({ label, userId });
  }
  return { text, picked };
}

/** Someone the autocomplete may offer. */
export interface MentionCandidate {
  userId: string;
  displayName: string;
  username: string;
  /** A member of the room; others are offered with an invitation. */
  member: boolean;
}

/**
 * The autocomplete's list for `query`: members before others, then names that start with it
 * before names that merely contain it, then alphabetical; at most `limit`.
 */
export function rankCandidates(query: string, candidates: readonly MentionCandidate[], limit = 8): MentionCandidate[] {
  const q = query.toLocaleLowerCase();
  const score = (c: MentionCandidate) => {
    const names = [c.displayName.toLocaleLowerCase(), c.username.toLocaleLowerCase()];
    if (names.some((n) => n.startsWith(q))) return 0;
    if (names.some((n) => n.split(/\s+/).some((w) => w.startsWith(q)))) return 1;
    if (names.some((n) => n.includes(q))) return 2;
    return -1;
  };
  return candidates
    .map((c) => ({ c, s: score(c) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => Number(b.c.member) - Number(a.c.member) || a.s - b.s || a.c.displayName.localeCompare(b.c.displayName))
    .slice(0, limit)
    .map((x) => x.c);
}
