import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryStorage } from '../stores/spec-helpers';
import { draftMentionsStorageKey, loadDraftMentions, saveDraftMentions } from './draft-mentions';
import { toWire } from './mention-text';

const ME = 'me-1';
const ANN = '0190a0b0-0000-7000-8000-00000000000a';
const BOB = '0190a0b0-0000-7000-8000-00000000000b';

describe('draft mentions', () => {
  it('a draft restored on a new page still sends the references picked before the reload', () => {
    const storage = new MemoryStorage();
    saveDraftMentions(storage, ME, 'room-1', [{ label: 'Ann Lee', userId: ANN }]);
    // A reload: nothing in memory, only what storage kept.
    const picked = loadDraftMentions(storage, ME, 'room-1');
    assert.equal(toWire('thanks @Ann Lee!', picked), `thanks <@${ANN}>!`);
  });

  it('keeps each room and thread apart, and per person', () => {
    const storage = new MemoryStorage();
    saveDraftMentions(storage, ME, 'room-1', [{ label: 'Ann', userId: ANN }]);
    saveDraftMentions(storage, ME, 'room-1/root-9', [{ label: 'Bob', userId: BOB }]);
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-1'), [{ label: 'Ann', userId: ANN }]);
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-1/root-9'), [{ label: 'Bob', userId: BOB }]);
    assert.deepEqual(loadDraftMentions(storage, 'someone-else', 'room-1'), []);
  });

  it('an empty list removes the room, and the key once nothing is left', () => {
    const storage = new MemoryStorage();
    saveDraftMentions(storage, ME, 'room-1', [{ label: 'Ann', userId: ANN }]);
    saveDraftMentions(storage, ME, 'room-2', [{ label: 'Bob', userId: BOB }]);
    saveDraftMentions(storage, ME, 'room-1', []);
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-1'), []);
    assert.ok(storage.items.has(draftMentionsStorageKey(ME)));
    saveDraftMentions(storage, ME, 'room-2', []);
    assert.equal(storage.items.has(draftMentionsStorageKey(ME)), false);
    // Clearing what is not there writes nothing.
    const writes = storage.writes;
    saveDraftMentions(storage, ME, 'room-3', []);
    assert.equal(storage.writes, writes);
  });

  it('ignores what it did not write: not JSON, wrong shapes, empty labels', () => {
    const storage = new MemoryStorage();
    storage.setItem(draftMentionsStorageKey(ME), '{not json');
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-1'), []);
    storage.setItem(
      draftMentionsStorageKey(ME),
      JSON.stringify({ 'room-1': [{ label: '', userId: ANN }, { label: 'Ann', userId: ANN, extra: 1 }, 'x'], 'room-2': 'nope' }),
    );
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-1'), [{ label: 'Ann', userId: ANN }]);
    assert.deepEqual(loadDraftMentions(storage, ME, 'room-2'), []);
  });

  it('without storage (blocked or private mode) nothing is kept and nothing throws', () => {
    saveDraftMentions(null, ME, 'room-1', [{ label: 'Ann', userId: ANN }]);
    assert.deepEqual(loadDraftMentions(null, ME, 'room-1'), []);
  });
});
