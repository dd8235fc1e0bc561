import type { MyRoom, RoomKind, User } from '@qc/shared';

/** A direct room is named after the other person, as they currently call themselves. */
export function roomTitle(room: Pick<MyRoom, 'kind' | 'name' | 'peer'>): string {
  return room.kind === 'direct' ? (room.peer?.displayName ?? room.name) : room.name;
}

export function kindNoun(kind: RoomKind): string {
  return kind === 'channel' ? 'channel' : kind === 'group' ? 'group' : 'conversation';
}

export function displayNameOf(users: Readonly<Record<string, User>>, userId: string): string {
  return users[userId]?.displayName ?? 'Someone';
}
