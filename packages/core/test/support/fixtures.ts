import type { MetadataStore } from '../../src/ports/metadata.port';

/** A group room owned by `owner` with `others` as members, straight in the metadata store; its id. */
export async function createGroupRoom(meta: MetadataStore, owner: string, others: string[] = [], name = 'test'): Promise<string> {
  const { room } = await meta.createRoom({
    kind: 'group',
    name,
    topic: null,
    createdBy: owner,
    directKey: null,
    members: [{ userId: owner, role: 'owner' }, ...others.map((userId) => ({ userId, role: 'member' as const }))],
  });
  return room.id;
}
