import { LIMITS } from './limits';

/**
 * Mentions live in a message's text as references, not names: `<@userId>` for a person, so
 * a renamed person still resolves (the client shows their name as it is now), and the words
 * `@here` (the room's members online when it is sent) and `@channel` (all its members).
 * `<@…>` is neither markdown nor HTML to a CommonMark parser (a tag name starts with a
 * letter), so it passes through rendering as text for the client to turn into a chip.
 * Inside code (a fenced block or a `span`) nothing is a mention: code shows what was typed.
 */
export type BroadcastMention = 'here' | 'channel';

export interface ParsedMentions {
  /** The people referenced, each once, in the order first mentioned. */
  userIds: string[];
  /** `@channel` wins over `@here` when both are written. */
  broadcast: BroadcastMention | null;
}

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** One person's mention token. */
export const mentionToken = (userId: string) => `<@${userId.toLowerCase()}>`;

// A word of its own: not inside an address (a@here.com) or another word (x@channel).
const BROADCAST = /(^|[^\w@.])@(here|channel)(?![\w@-])/g;
const USER = new RegExp(`<@(${UUID})>`, 'g');
// Fenced blocks first (they may hold backticks), then inline code spans.
const CODE = /(^|\n)(```|~~~)[^\n]*\n[\s\S]*?(\n\2[ \t]*(?=\n|$)|$)|`[^`\n]+`/g;

/** The content with its code blocks and spans blanked out (same length), where mentions are not looked for. */
function outsideCode(content: string): string {
  return content.replace(CODE, (m) => m.replace(/[^\n]/g, ' '));
}

export function parseMentions(content: string): ParsedMentions {
  const text = outsideCode(content);
  const userIds: string[] = [];
  for (const m of text.matchAll(USER)) {
    const id = m[1]!.toLowerCase();
    if (!userIds.includes(id)) userIds.push(id);
  }
  let broadcast: BroadcastMention | null = null;
  for (const m of text.matchAll(BROADCAST)) {
    if (m[2] === 'channel') broadcast = 'channel';
    else broadcast ??= 'here';
  }
  return { userIds, broadcast };
}

/** Why a message's mentions are refused, or null: more than LIMITS.mentionsPerMessageMax people. */
export function mentionsProblem(parsed: ParsedMentions): string | null {
  return parsed.userIds.length > LIMITS.mentionsPerMessageMax
    ? `a message may mention at most ${LIMITS.mentionsPerMessageMax} people (it mentions ${parsed.userIds.length})`
    : null;
}

/** Text split into what to show as written and the mentions in it (code is left whole), for rendering. */
export type MentionPart =
  { kind: 'text'; text: string } | { kind: 'user'; userId: string } | { kind: 'broadcast'; which: BroadcastMention };

/**
 * Splits plain text (a text node a markdown renderer produced, not raw content with code in
 * it) into text and mentions.
 */
export function splitMentions(text: string): MentionPart[] {
  const parts: MentionPart[] = [];
  const all = new RegExp(`<@(${UUID})>|(^|[^\\w@.])@(here|channel)(?![\\w@-])`, 'g');
  let at = 0;
  for (const m of text.matchAll(all)) {
    const lead = m[2] ?? '';
    const start = m.index! + lead.length;
    if (start > at) parts.push({ kind: 'text', text: text.slice(at, start) });
    if (m[1]) parts.push({ kind: 'user', userId: m[1].toLowerCase() });
    else parts.push({ kind: 'broadcast', which: m[3] as BroadcastMention });
    at = m.index! + m[0].length;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}
