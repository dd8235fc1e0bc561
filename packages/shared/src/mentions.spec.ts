import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentionsProblem, mentionToken, parseMentions, splitMentions } from './mentions';
import { LIMITS } from './limits';

const A = '0190a0b0-0000-7000-8000-00000000000a';
const B = '0190a0b0-0000-7000-8000-00000000000b';

test('people are found by reference, each once, in the order first mentioned', () => {
  const p = parseMentions(`hi ${mentionToken(B)} and ${mentionToken(A)}, ${mentionToken(B)} again`);
  assert.deepEqual(p, { userIds: [B, A], broadcast: null });
});

test('an upper-case reference is the same person', () => {
  assert.deepEqual(parseMentions(`<@${A.toUpperCase()}>`).userIds, [A]);
});

test('@here and @channel only as words of their own; @channel wins over @here', () => {
  assert.equal(parseMentions('@here look').broadcast, 'here');
  assert.equal(parseMentions('look (@here)').broadcast, 'here');
  assert.equal(parseMentions('@here and @channel').broadcast, 'channel');
  for (const not of ['mail me at a@here.com', 'x@channel', '@heresy', '@channel-ops', '@Here', 'email@channel'])
    assert.equal(parseMentions(not).broadcast, null, not);
});

test('nothing in code is a mention: fenced blocks and inline spans', () => {
  const fenced = `\`\`\`\n@channel ${mentionToken(A)}\n\`\`\`\nafter`;
  assert.deepEqual(parseMentions(fenced), { userIds: [], broadcast: null });
  assert.deepEqual(parseMentions(`run \`@here\` then ${mentionToken(B)}`), { userIds: [B], broadcast: null });
  // An unclosed fence runs to the end, as markdown renders it.
  assert.deepEqual(parseMentions(`\`\`\`js\n${mentionToken(A)}`).userIds, []);
});

test('a token that is not a whole uuid is text', () => {
  assert.deepEqual(parseMentions('<@not-a-user> <@1234>').userIds, []);
});

test('more people than the limit is a problem named with both numbers', () => {
  const many = Array.from(
    { length: LIMITS.mentionsPerMessageMax + 1 },
    (_, i) => `<@0190a0b0-0000-7000-8000-${String(i).padStart(12, '0')}>`,
  );
  assert.match(
    mentionsProblem(parseMentions(many.join(' '))) ?? '',
    new RegExp(`at most ${LIMITS.mentionsPerMessageMax} .*\\(it mentions ${many.length}\\)`),
  );
  assert.equal(mentionsProblem(parseMentions(many.slice(1).join(' '))), null);
});

test('splitMentions keeps the text around each mention, and what leads a broadcast word', () => {
  assert.deepEqual(splitMentions(`hey <@${A}>, (@here)!`), [
    { kind: 'text', text: 'hey ' },
    { kind: 'user', userId: A },
    { kind: 'text', text: ', (' },
    { kind: 'broadcast', which: 'here' },
    { kind: 'text', text: ')!' },
  ]);
  assert.deepEqual(splitMentions('@channel'), [{ kind: 'broadcast', which: 'channel' }]);
  assert.deepEqual(splitMentions('plain a@here.com'), [{ kind: 'text', text: 'plain a@here.com' }]);
});
