import type { MyRoom, RoomKind, User } from '@qc/shared';
import { ApiError } from './http';

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

/**
 * What to say by the name field when the server refused a channel name as taken (CONFLICT);
 * null for any other failure, which the form shows as a whole.
 */
export function channelNameError(err: unknown, name: string): string | null {
  if (!(err instanceof ApiError) || err.code !== 'CONFLICT') return null;
  return `A channel called “${name.trim()}” already exists (names ignore upper and lower case). Choose another name.`;
}
