import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RECENT_ROOMS_MAX, loadRecentRooms, saveRecentRooms, withRecent } from './recent-rooms';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('recent rooms', () => {
  it('puts the room opened last first, once, and keeps at most the maximum', () => {
    assert.deepEqual(withRecent(['a', 'b', 'c'], 'c'), ['c', 'a', 'b']);
    assert.deepEqual(withRecent(['a', 'b'], 'z', 2), ['z', 'a']);
    const many = Array.from({ length: RECENT_ROOMS_MAX }, (_, i) => `r${i}`);
    assert.equal(withRecent(many, 'new').length, RECENT_ROOMS_MAX);
  });

  it('round-trips through storage, per person', () => {
    const storage = memoryStorage();
    saveRecentRooms(storage, 'me', ['a', 'b']);
    assert.deepEqual(loadRecentRooms(storage, 'me'), ['a', 'b']);
    assert.deepEqual(loadRecentRooms(storage, 'someone-else'), []);
  });

  it('reads junk, duplicates and a missing or failing storage as an empty or cleaned list', () => {
    assert.deepEqual(loadRecentRooms(memoryStorage({ 'qc.recentRooms.me': '{not json' }), 'me'), []);
    assert.deepEqual(loadRecentRooms(memoryStorage({ 'qc.recentRooms.me': '{"a":1}' }), 'me'), []);
    assert.deepEqual(loadRecentRooms(memoryStorage({ 'qc.recentRooms.me': '["a",3,"a",null,"b"]' }), 'me'), ['a', 'b']);
    assert.deepEqual(loadRecentRooms(null, 'me'), []);
    const throwing = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('full');
      },
    };
    assert.deepEqual(loadRecentRooms(throwing, 'me'), []);
    assert.doesNotThrow(() => saveRecentRooms(throwing, 'me', ['a']));
  });
});
