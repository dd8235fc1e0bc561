import safeRegex from 'safe-regex2';
import type { WordRule, WordRuleAction, WordRuleKind } from '@qc/shared';

/*
 * Word rules compiled once into regular expressions and matched from memory: a list of words
 * becomes one case-insensitive, whole-word alternation over the text folded as people dodge
 * filters (compatibility forms and accents folded: "ｂａｄ", "bád" and "BAD" all read "bad");
 * a pattern is taken as written (case-insensitive, Unicode), but only one that cannot run for
 * exponential time (safe-regex2), so a rule can never stall the send path.
 */

export interface CompiledRule {
  id: string;
  roomId: string | null;
  name: string;
  action: WordRuleAction;
  regex: RegExp;
}

export interface RuleMatch {
  rule: CompiledRule;
  /** The words of the text that met it (as folded). */
  matched: string;
}

/** The text as rules read it: compatibility forms folded (NFKC), accents dropped, lower case. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFKC')
    .toLowerCase();
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The words of a `words` rule: separated by commas or new lines, blanks dropped, each folded. */
export function ruleWords(pattern: string): string[] {
  return [
    ...new Set(
      pattern
        .split(/[,\n]/)
        .map((w) => foldText(w.trim()))
        .filter(Boolean),
    ),
  ];
}

/** Why a rule cannot be used (a pattern that does not compile or could run away), or null. */
export function ruleProblem(kind: WordRuleKind, pattern: string): string | null {
  if (kind === 'words') return ruleWords(pattern).length === 0 ? 'name at least one word' : null;
  try {
    new RegExp(pattern, 'iu');
  } catch (e) {
    return `the pattern is not a regular expression: ${e instanceof Error ? e.message : String(e)}`;
  }
  return safeRegex(pattern) ? null : 'the pattern could take exponential time on some texts (nested repetition): write it another way';
}

export function compileRule(rule: Pick<WordRule, 'id' | 'roomId' | 'name' | 'kind' | 'pattern' | 'action'>): CompiledRule {
  const source =
    rule.kind === 'words'
      ? // Whole words: not inside a longer word (letters, digits, _ on either side).
        `(?<![\\p{L}\\p{N}_])(?:${ruleWords(rule.pattern).map(escape).join('|')})(?![\\p{L}\\p{N}_])`
      : rule.pattern;
  return { id: rule.id, roomId: rule.roomId, name: rule.name, action: rule.action, regex: new RegExp(source, 'iu') };
}

/** The rules a text meets, blocking ones first. `words` rules read the folded text; patterns read both. */
export function matchRules(rules: readonly CompiledRule[], text: string): RuleMatch[] {
  if (rules.length === 0 || text.length === 0) return [];
  const folded = foldText(text);
  const out: RuleMatch[] = [];
  for (const rule of rules) {
    const m = rule.regex.exec(folded) ?? rule.regex.exec(text);
    if (m) out.push({ rule, matched: m[0] });
  }
  return out.sort((a, b) => (a.rule.action === b.rule.action ? 0 : a.rule.action === 'block' ? -1 : 1));
}
