import type { CasePeople } from '@qc/shared';
import type { MetadataStore } from '../ports/metadata.port';

/** Names for the ids a dashboard page shows (people and rooms), each looked up once. */
export async function namesFor(
  meta: Pick<MetadataStore, 'findUsersByIds' | 'findRoomById'>,
  userIds: readonly (string | null)[],
  roomIds: readonly (string | null)[],
): Promise<CasePeople> {
  const users = [...new Set(userIds.filter((x): x is string => !!x))];
  const rooms = [...new Set(roomIds.filter((x): x is string => !!x))];
  const [foundUsers, foundRooms] = await Promise.all([
    users.length ? meta.findUsersByIds(users) : Promise.resolve([]),
    Promise.all(rooms.map((id) => meta.findRoomById(id))),
  ]);
  return {
    users: Object.fromEntries(foundUsers.map((u) => [u.id, { username: u.username, displayName: u.displayName }])),
    rooms: Object.fromEntries(foundRooms.flatMap((r) => (r ? [[r.id, { name: r.name, kind: r.kind }]] : []))),
  };
}
