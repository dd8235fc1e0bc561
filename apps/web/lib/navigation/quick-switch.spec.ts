import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoomKind } from '@qc/shared';
import { normaliseQuery, switcherEntries, type SwitcherPerson, type SwitcherRoom } from './quick-switch';

const person = (
  id: string,
  displayName: string,
  username = displayName.toLowerCase(),
): SwitcherPerson & { avatarUrl: null; createdAt: string } => ({
  id,
  displayName,
  username,
  avatarUrl: null,
  createdAt: '2026-01-01T00:00:00.000Z',
});
const room = (id: string, name: string, kind: RoomKind = 'channel', peer: ReturnType<typeof person> | null = null): SwitcherRoom => ({
  id,
  kind,
  name,
  peer,
});

const bob = person('u-bob', 'Bob Stone', 'bstone');
const rooms = [
  room('c-eng', 'engineering-gen'),
  room('c-general', 'general'),
  room('c-random', 'random'),
  room('c-design', 'design-reviews'),
  room('g-lunch', 'Lunch crew', 'group'),
  room('d-bob', 'bstone', 'direct', bob),
];
const base = { rooms, people: [] as SwitcherPerson[], meId: 'u-me', recent: [] as string[] };
const keys = (input: Parameters<typeof switcherEntries>[0]) => switcherEntries(input).map((e) => e.key);

describe('quick switcher, nothing typed', () => {
  it('lists the rooms opened lately first, most recent first, then the others in list order', () => {
    assert.deepEqual(keys({ ...base, query: '', recent: ['c-random', 'gone-room', 'd-bob'] }), [
      'room:c-random',
      'room:d-bob',
      'room:c-eng',
      'room:c-general',
      'room:c-design',
      'room:g-lunch',
    ]);
  });

  it('lists no people and offers no message search', () => {
    const entries = switcherEntries({ ...base, query: '  ', people: [person('u-cat', 'Cat')], withMessageSearch: true });
    assert.ok(entries.every((e) => e.kind === 'room'));
  });

  it('keeps to the limit', () => {
    assert.equal(switcherEntries({ ...base, query: '', limit: 2 }).length, 2);
  });
});

describe('quick switcher, with a query', () => {
  it('matches letters in order, not only a substring', () => {
    assert.deepEqual(keys({ ...base, query: 'gnrl' }), ['room:c-general']);
    assert.deepEqual(keys({ ...base, query: 'dsgn rev' }), ['room:c-design']);
    assert.deepEqual(keys({ ...base, query: 'zzz' }), []);
  });

  it('ranks a match at the start of the name above one inside it', () => {
    assert.deepEqual(keys({ ...base, query: 'gen' }).slice(0, 2), ['room:c-general', 'room:c-eng']);
  });

  it('ranks a room opened lately above one that matches about as well', () => {
    assert.deepEqual(keys({ ...base, query: 'gen', recent: ['c-eng'] }).slice(0, 2), ['room:c-eng', 'room:c-general']);
  });

  it('still ranks a much better match above a recent poor one', () => {
    const input = { ...base, rooms: [room('c-rnd', 'r-and-d'), room('c-rnd2', 'rnd')], recent: ['c-rnd'] };
    assert.deepEqual(keys({ ...input, query: 'rnd' })[0], 'room:c-rnd2');
  });

  it('finds a direct message by the other person’s name or username', () => {
    assert.deepEqual(keys({ ...base, query: 'bob' }), ['room:d-bob']);
    assert.deepEqual(keys({ ...base, query: 'bston' }), ['room:d-bob']);
  });

  it('lists people I have no direct message with, once, never myself or someone I already have one with', () => {
    const cat = person('u-cat', 'Catherine Lu', 'cat');
    const me = person('u-me', 'Cathy Me', 'cathy');
    const entries = switcherEntries({ ...base, query: 'cat', people: [cat, me, cat, bob] });
    assert.deepEqual(
      entries.map((e) => e.key),
      ['person:u-cat'],
    );
    const first = entries[0];
    assert.ok(first?.kind === 'person');
    assert.equal(first.person, cat);
    assert.deepEqual(keys({ ...base, query: 'stone', people: [bob] }), ['room:d-bob']);
  });

  it('puts a room I am in before a person who matches as well', () => {
    const ada = person('u-ada', 'design-reviews', 'design_reviews');
    assert.deepEqual(keys({ ...base, query: 'design-reviews', people: [ada] }), ['room:c-design', 'person:u-ada']);
  });

  it('reads "#" and "@" as the way names are written, not as part of them', () => {
    assert.equal(normaliseQuery('  #general '), 'general');
    assert.equal(normaliseQuery('@bob'), 'bob');
    assert.deepEqual(keys({ ...base, query: '#gnrl' }), ['room:c-general']);
    assert.deepEqual(keys({ ...base, query: '@bston' }), ['room:d-bob']);
  });

  it('offers "Search messages for …" last when asked to, with what was typed', () => {
    const entries = switcherEntries({ ...base, query: ' gen ', withMessageSearch: true });
    const last = entries[entries.length - 1];
    assert.ok(last?.kind === 'search');
    assert.equal(last.query, 'gen');
    assert.equal(last.title, 'Search messages for “gen”');
    assert.ok(entries.slice(0, -1).every((e) => e.kind === 'room'));
    assert.ok(!keys({ ...base, query: 'gen' }).includes('search'));
    // Even when nothing matches, message search is still on offer.
    assert.deepEqual(keys({ ...base, query: 'zzz', withMessageSearch: true }), ['search']);
  });
});
