import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMentions } from '@qc/shared';
import { fromWire, insertMention, mentionQueryAt, rankCandidates, toWire, type MentionCandidate } from './mention-text';

const ANN = '0190a0b0-0000-7000-8000-00000000000a';
const ANNLEE = '0190a0b0-0000-7000-8000-00000000000b';

describe('mentionQueryAt', () => {
  it('finds the @word being typed at the caret, at the start or after a space or bracket', () => {
    assert.deepEqual(mentionQueryAt('@an', 3), { start: 0, query: 'an' });
    assert.deepEqual(mentionQueryAt('hi @', 4), { start: 3, query: '' });
    assert.deepEqual(mentionQueryAt('hi (@bo', 7), { start: 4, query: 'bo' });
  });
  it('not inside an address or after the word ended', () => {
    assert.equal(mentionQueryAt('mail a@b', 8), null);
    assert.equal(mentionQueryAt('@ann ', 5), null);
    assert.equal(mentionQueryAt('@ann x', 6), null);
  });
});

describe('insert, send, edit', () => {
  it('inserts the chosen name and a space, caret after it', () => {
    assert.deepEqual(insertMention('hi @an and', 3, 6, 'Ann Lee'), { text: 'hi @Ann Lee  and', caret: 12 });
  });
  it('sends references for the names picked, the longest name first, and leaves other @text alone', () => {
    const picked = [
      { label: 'Ann', userId: ANN },
      { label: 'Ann Lee', userId: ANNLEE },
    ];
    const wire = toWire('@Ann Lee and @Ann, not @Annabel nor @bob', picked);
    assert.equal(wire, `<@${ANNLEE}> and <@${ANN}>, not @Annabel nor @bob`);
    assert.deepEqual(parseMentions(wire).userIds, [ANNLEE, ANN]);
  });
  it('a name the person deleted from the text is not sent', () => {
    assert.equal(toWire('never mind', [{ label: 'Ann', userId: ANN }]), 'never mind');
  });
  it('editing shows names again, and sends the same references back', () => {
    const content = `ask <@${ANN}> then <@${ANNLEE}>`;
    const names: Record<string, string> = { [ANN]: 'Ann', [ANNLEE]: 'Ann Lee' };
    const { text, picked } = fromWire(content, (id) => names[id]!);
    assert.equal(text, 'ask @Ann then @Ann Lee');
    assert.equal(toWire(text, picked), content);
  });
});

describe('rankCandidates', () => {
  const c = (displayName: string, username: string, member = true): MentionCandidate => ({
    userId: username,
    displayName,
    username,
    member,
  });
  it('members first; names starting with the query before names merely containing it', () => {
    const ranked = rankCandidates('an', [c('Joanna', 'jo'), c('Ann Lee', 'ann'), c('Andy', 'andy', false), c('Bob Anders', 'bob')]);
    assert.deepEqual(
      ranked.map((x) => x.displayName),
      ['Ann Lee', 'Bob Anders', 'Joanna', 'Andy'],
    );
  });
  it('an empty query lists everyone (members first), up to the limit', () => {
    assert.equal(rankCandidates('', [c('A', 'a'), c('B', 'b'), c('C', 'c')], 2).length, 2);
  });
});
