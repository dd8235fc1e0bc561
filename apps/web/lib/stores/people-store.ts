import type { Member, User } from '@qc/shared';
import { Observable } from './observable';

/*
 * Me, everyone we have met (peers, members, senders) for names and avatars, and each
 * opened room's member list.
 */

export interface PeopleState {
  me: User;
  users: Readonly<Record<string, User>>;
  members: Readonly<Record<string, readonly Member[]>>;
}

export class PeopleStore extends Observable<PeopleState> {
  constructor(me: User) {
    super({ me, users: { [me.id]: me }, members: {} });
  }

  get me(): User {
    return this.getState().me;
  }

  setMe(me: User): void {
    if (me !== this.me) this.setState({ ...this.getState(), me, users: { ...this.getState().users, [me.id]: me } });
  }

  meet(users: readonly User[]): void {
    if (users.length === 0) return;
    const current = this.getState().users;
    // Refetched people are new objects with the same fields: only a real change is news.
    const changed = users.filter((u) => current[u.id] !== u && JSON.stringify(current[u.id]) !== JSON.stringify(u));
    if (changed.length === 0) return;
    const next = { ...current };
    for (const u of changed) next[u.id] = u;
    this.setState({ ...this.getState(), users: next });
  }

  /**
   * Someone changed their profile (`user:updated`, or my own change from another device):
   * their name and picture change everywhere they are shown, the member lists included.
   */
  changed(user: User): void {
    const state = this.getState();
    if (!state.users[user.id] && user.id !== state.me.id) return; // not someone shown here
    const members: Record<string, readonly Member[]> = {};
    for (const [roomId, list] of Object.entries(state.members)) {
      members[roomId] = list.some((m) => m.userId === user.id) ? list.map((m) => (m.userId === user.id ? { ...m, user } : m)) : list;
    }
    this.setState({
      me: user.id === state.me.id ? user : state.me,
      users: { ...state.users, [user.id]: user },
      members,
    });
  }

  setMembers(roomId: string, list: readonly Member[]): void {
    this.meet(list.map((m) => m.user));
    // The same members again (a catch-up refetch) change nothing on screen.
    const held = this.getState().members[roomId];
    if (held && JSON.stringify(held) === JSON.stringify(list)) return;
    this.setState({ ...this.getState(), members: { ...this.getState().members, [roomId]: list } });
  }

  hasMembers(roomId: string): boolean {
    return this.getState().members[roomId] !== undefined;
  }

  forget(roomId: string): void {
    if (!this.hasMembers(roomId)) return;
    const members = { ...this.getState().members };
    delete members[roomId];
    this.setState({ ...this.getState(), members });
  }

  stop(): void {
    this.clearListeners();
  }
}

/** A person's display name where we know it. */
export function nameOf(users: Readonly<Record<string, User>>, userId: string): string {
  return users[userId]?.displayName ?? 'Someone';
}
