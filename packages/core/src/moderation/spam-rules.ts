import { createHash } from 'node:crypto';
import { LinkifyIt } from 'linkify-it';
import { SPAM_REPEAT_MIN_LENGTH } from '@qc/shared';

/*
 * The pure parts of the spam rules: what counts as "the same text", and whether a text
 * carries a link. Kept apart from the service so they are tested without any store.
 */

/**
 * linkify-it (markdown-it's link finder): scheme links, www., e-mail addresses, and bare
 * domains on the common and two-letter TLDs (fuzzyLink: "shop.io/deal" is what a spammer
 * writes).
 */
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });

/**
 * Country TLDs that are also everyday file extensions. A bare "README.md", "main.py" or
 * "setup.sh" is a file people talk about, not a link; with a path ("shop.md/deal"), "www."
 * or a scheme it is still a link.
 */
// Kept short on purpose: cheap TLDs spammers favour (.ml, .cc, .in, .so …) stay links even bare.
const FILE_EXTENSION_TLDS = new Set(['md', 'py', 'sh', 'rs', 'pl', 'rb']);

function isFileName(match: { schema: string; raw: string }): boolean {
  if (match.schema !== '' || /[/:@]/.test(match.raw) || /^www\./i.test(match.raw)) return false;
  const tld = match.raw.slice(match.raw.lastIndexOf('.') + 1).toLowerCase();
  return FILE_EXTENSION_TLDS.has(tld);
}

export function hasLink(text: string): boolean {
  if (!linkify.test(text)) return false;
  return (linkify.match(text) ?? []).some((m) => !isFileName(m));
}

/**
 * The same text, as a spammer's copies differ: compatibility forms folded (full-width,
 * ligatures), case folded, runs of whitespace made one space, trimmed. Null for a text
 * too short to compare ("ok", "thanks!" are said in every room).
 */
export function repeatFingerprint(text: string): string | null {
  const folded = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  if ([...folded].length < SPAM_REPEAT_MIN_LENGTH) return null;
  return createHash('sha256').update(folded).digest('base64url').slice(0, 22);
}
