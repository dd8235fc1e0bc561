import { go } from 'fuzzysort';
import type { MyRoom, User } from '@qc/shared';
import { roomTitle } from '../room-display';
import { RECENT_ROOMS_MAX } from './recent-rooms';

/*
 * What the quick switcher (Ctrl+K) lists for what was typed. Matching is fuzzysort's
 * Sublime-like subsequence match ("gnrl" finds "general", "dr" finds "design-reviews"),
 * over a room's name and, for people, their username as well. Rooms opened lately rank
 * higher, and with nothing typed they come first, most recent first.
 */

export type SwitcherRoom = Pick<MyRoom, 'id' | 'kind' | 'name' | 'peer'>;
export type SwitcherPerson = Pick<User, 'id' | 'username' | 'displayName'>;

export type SwitcherEntry<R extends SwitcherRoom = MyRoom, P extends SwitcherPerson = User> =
  | { kind: 'room'; key: string; title: string; room: R }
  /** Someone I have no direct room with yet: choosing them opens (creates) it. */
  | { kind: 'person'; key: string; title: string; person: P }
  /** "Search messages for …": hands the query over to message search. */
  | { kind: 'search'; key: string; title: string; query: string };

export interface SwitcherInput<R extends SwitcherRoom, P extends SwitcherPerson> {
  /** My rooms in the room list's order (most recent activity first). */
  rooms: readonly R[];
  /** People known to this device or found by the server; me and duplicates are left out. */
  people: readonly P[];
  meId: string;
  /** Room ids opened lately, most recent first. */
  recent: readonly string[];
  query: string;
  /** Offer "Search messages for …" as the last entry when something is typed. */
  withMessageSearch?: boolean;
  limit?: number;
}

export const SWITCHER_LIMIT = 20;

/** How much being opened lately adds to a match (fuzzysort scores run 0…1): enough to decide between near-equal matches only. */
const RECENT_BOOST = 0.15;
/** Rooms I am in come before people I have never written to, when they match about as well. */
const PERSON_PENALTY = 0.05;

interface Candidate<R extends SwitcherRoom, P extends SwitcherPerson> {
  entry: SwitcherEntry<R, P>;
  title: string;
  username: string;
  /** 0 for the room opened last, growing; Infinity for the rest. */
  recency: number;
  order: number;
}

/** "#general" and "@bob" are how people write names: the sigil is not part of what they look for. */
export function normaliseQuery(query: string): string {
  return query
    .trim()
    .replace(/^[#@]+/, '')
    .trim();
}

export function switcherEntries<R extends SwitcherRoom, P extends SwitcherPerson>(input: SwitcherInput<R, P>): SwitcherEntry<R, P>[] {
  const limit = input.limit ?? SWITCHER_LIMIT;
  const recency = new Map(input.recent.map((id, i) => [id, i]));
  const query = normaliseQuery(input.query);

  const rooms: Candidate<R, P>[] = input.rooms.map((room, order) => ({
    entry: { kind: 'room', key: `room:${room.id}`, title: roomTitle(room), room },
    title: roomTitle(room),
    username: room.kind === 'direct' ? (room.peer?.username ?? '') : '',
    recency: recency.get(room.id) ?? Infinity,
    order,
  }));

  if (!query) {
    return rooms
      .sort((a, b) => a.recency - b.recency || a.order - b.order)
      .slice(0, limit)
      .map((c) => c.entry);
  }

  // People with a direct room are found as that room; me, never.
  const skip = new Set([input.meId, ...input.rooms.flatMap((r) => (r.kind === 'direct' && r.peer ? [r.peer.id] : []))]);
  const people: Candidate<R, P>[] = [];
  for (const person of input.people) {
    if (skip.has(person.id)) continue;
    skip.add(person.id);
    people.push({
      entry: { kind: 'person', key: `person:${person.id}`, title: person.displayName, person },
      title: person.displayName,
      username: person.username,
      recency: Infinity,
      order: rooms.length + people.length,
    });
  }

  const matches = go(query, [...rooms, ...people], {
    keys: ['title', 'username'],
    threshold: 0,
    limit: 0,
    // The better of name and username: fuzzysort's default sums them, which favours people (two keys) over rooms (one).
    scoreFn: (r) => Math.max(r[0]?.score ?? 0, r[1]?.score ?? 0),
  });
  const ranked = matches
    .map((m) => {
      const c = m.obj;
      const boost = c.recency < RECENT_ROOMS_MAX ? (RECENT_BOOST * (RECENT_ROOMS_MAX - c.recency)) / RECENT_ROOMS_MAX : 0;
      const penalty = c.entry.kind === 'person' ? PERSON_PENALTY : 0;
      return { c, rank: m.score + boost - penalty };
    })
    .sort((a, b) => b.rank - a.rank || a.c.order - b.c.order)
    .slice(0, limit)
    .map(({ c }) => c.entry);

  if (input.withMessageSearch) {
    const typed = input.query.trim();
    ranked.push({ kind: 'search', key: 'search', title: `Search messages for “${typed}”`, query: typed });
  }
  return ranked;
}
