import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DRAFT_SAVE_DELAY_MS, draftKey, draftStorageKey, DraftStore, isDraft } from './draft-store';
import { ManualClock, MemoryStorage, ROOM } from './spec-helpers';

const OTHER_ROOM = '00000000-0000-4000-8000-000000000002';

describe('DraftStore', () => {
  it('keeps a draft across a reload, saved a moment after typing stops rather than on every keystroke', () => {
    const storage = new MemoryStorage();
    const clock = new ManualClock();
    const drafts = new DraftStore(storage, 'me', clock.schedule);
    for (const text of ['h', 'he', 'hel', 'hello']) drafts.set(ROOM, text);
    assert.equal(drafts.get(ROOM), 'hello', 'the page sees it at once');
    assert.equal(storage.writes, 0);
    clock.advance(DRAFT_SAVE_DELAY_MS);
    assert.equal(storage.writes, 1, 'one write for the burst');

    const reloaded = new DraftStore(storage, 'me', clock.schedule);
    assert.equal(reloaded.get(ROOM), 'hello');
  });

  it('clearing it (sent) is written at once, so a reload right after a send does not bring it back', () => {
    const storage = new MemoryStorage();
    const clock = new ManualClock();
    const drafts = new DraftStore(storage, 'me', clock.schedule);
    drafts.set(ROOM, 'about to send');
    clock.advance(DRAFT_SAVE_DELAY_MS);
    drafts.set(ROOM, 'about to send, edited');
    drafts.set(ROOM, '');
    assert.equal(new DraftStore(storage, 'me').get(ROOM), '');
    assert.equal(storage.items.has(draftStorageKey('me')), false, 'nothing left behind');
    clock.advance(DRAFT_SAVE_DELAY_MS);
    assert.equal(new DraftStore(storage, 'me').get(ROOM), '', 'the save scheduled before the clear does not write it back');
  });

  it('flush writes what is pending now (the page is going)', () => {
    const storage = new MemoryStorage();
    const drafts = new DraftStore(storage, 'me', new ManualClock().schedule);
    drafts.set(ROOM, 'typed just before the reload');
    drafts.flush();
    assert.equal(new DraftStore(storage, 'me').get(ROOM), 'typed just before the reload');
  });

  it("keeps each room's (and each thread's) draft apart, and marks only rooms with real text", () => {
    const drafts = new DraftStore(new MemoryStorage(), 'me', new ManualClock().schedule);
    drafts.set(ROOM, 'for the first room');
    drafts.set(OTHER_ROOM, '   ');
    drafts.set(draftKey(ROOM, 'root-1'), 'in a thread');
    assert.equal(drafts.get(ROOM), 'for the first room');
    assert.equal(drafts.get(draftKey(ROOM, 'root-1')), 'in a thread');
    assert.equal(drafts.get(OTHER_ROOM), '   ', 'kept as typed');
    assert.equal(isDraft(drafts.getState()[ROOM]), true);
    assert.equal(isDraft(drafts.getState()[OTHER_ROOM]), false);

    drafts.forgetRoom(ROOM);
    assert.deepEqual(Object.keys(drafts.getState()), [OTHER_ROOM], "a room left takes its threads' drafts along");
  });

  it("is kept per person, and two tabs do not wipe each other's drafts", () => {
    const storage = new MemoryStorage();
    const tabA = new DraftStore(storage, 'me', new ManualClock().schedule);
    const tabB = new DraftStore(storage, 'me', new ManualClock().schedule);
    const someoneElse = new DraftStore(storage, 'someone-else', new ManualClock().schedule);
    tabA.set(ROOM, 'from tab A');
    tabA.flush();
    tabB.set(OTHER_ROOM, 'from tab B');
    tabB.flush();
    someoneElse.set(ROOM, 'not mine');
    someoneElse.flush();
    const reloaded = new DraftStore(storage, 'me');
    assert.deepEqual(reloaded.getState(), { [ROOM]: 'from tab A', [OTHER_ROOM]: 'from tab B' });
  });

  it('clear (signed out on purpose) leaves nothing on the device', () => {
    const storage = new MemoryStorage();
    const drafts = new DraftStore(storage, 'me', new ManualClock().schedule);
    drafts.set(ROOM, 'private');
    drafts.flush();
    drafts.clear();
    assert.deepEqual(drafts.getState(), {});
    assert.equal(storage.items.size, 0);
  });

  it('survives storage that is garbage or throws', () => {
    const storage = new MemoryStorage();
    storage.items.set(draftStorageKey('me'), '{not json');
    assert.deepEqual(new DraftStore(storage, 'me').getState(), {});
    storage.items.set(draftStorageKey('me'), JSON.stringify({ [ROOM]: 42, [OTHER_ROOM]: 'ok' }));
    assert.deepEqual(new DraftStore(storage, 'me').getState(), { [OTHER_ROOM]: 'ok' });
    const full = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const drafts = new DraftStore(full, 'me');
    drafts.set(ROOM, 'still here for this page load');
    drafts.flush();
    assert.equal(drafts.get(ROOM), 'still here for this page load');
  });
});
