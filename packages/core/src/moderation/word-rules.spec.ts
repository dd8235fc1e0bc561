import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule, foldText, matchRules, ruleProblem, ruleWords } from './word-rules';

const rule = (over: Partial<Parameters<typeof compileRule>[0]> = {}) =>
  compileRule({ id: 'r1', roomId: null, name: 'no slurs', kind: 'words', pattern: 'badword, worse word', action: 'block', ...over });

test('words match whole words in any case, width or accent, never inside a longer word', () => {
  const r = [rule()];
  for (const text of ['a badword here', 'BADWORD!', 'ｂａｄｗｏｒｄ', 'bádwörd', 'so, worse  word?'.replace('  ', ' ')]) {
    assert.equal(matchRules(r, text).length, 1, text);
  }
  for (const text of ['badwords are fine', 'notbadword', 'bad word', '']) assert.deepEqual(matchRules(r, text), [], text);
  assert.equal(matchRules(r, 'BADWORD')[0]!.matched, 'badword');
});

test('patterns are regular expressions, any case; blocking rules come first', () => {
  const link = compileRule({
    id: 'r2',
    roomId: 'room',
    name: 'invite links',
    kind: 'pattern',
    pattern: 'discord\\.gg/\\w+',
    action: 'flag',
  });
  const matches = matchRules([link, rule()], 'join DISCORD.GG/abc, badword');
  assert.deepEqual(
    matches.map((m) => [m.rule.id, m.rule.action, m.matched]),
    [
      ['r1', 'block', 'badword'],
      ['r2', 'flag', 'discord.gg/abc'],
    ],
  );
});

test('a rule that cannot work is refused with why: no words, a broken pattern, one that could run away', () => {
  assert.equal(ruleProblem('words', ' , ,\n'), 'name at least one word');
  assert.match(ruleProblem('pattern', '(unclosed')!, /not a regular expression/);
  assert.match(ruleProblem('pattern', '(a+)+$')!, /exponential/);
  assert.equal(ruleProblem('pattern', 'free (money|crypto)'), null);
  assert.deepEqual(ruleWords('A, b\nA ,, Ç'), ['a', 'b', 'c']);
  assert.equal(foldText('Ｃａｆé'), 'cafe');
});
