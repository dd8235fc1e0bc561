import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { User } from '@qc/shared';
import { ProfileAnnouncer } from './profile-announcer';

const dana: User = {
  id: 'dana',
  username: 'dana',
  displayName: 'Dana',
  avatarUrl: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  timeZone: null,
};

test('told once to each peer and to the person, with rooms at the large-room size left out', async () => {
  const asked: Array<[string, number | undefined]> = [];
  const sent: Array<[string[], string, User]> = [];
  const announcer = new ProfileAnnouncer(
    {
      listPeersOf: async (userId, roomsUnder) => {
        asked.push([userId, roomsUnder]);
        return ['eli', 'fay', 'dana'];
      },
    },
    { toUsers: (ids, event, payload) => void sent.push([ids, event, payload as User]) },
    { largeRoomMembers: 1000 },
  );
  await announcer.announce(dana);
  assert.deepEqual(asked, [['dana', 1000]]);
  assert.deepEqual(sent, [[['eli', 'fay', 'dana'], 'user:updated', dana]]);
});

test('a store that fails is reported, and the change (already stored) is not failed', async () => {
  const errors: unknown[] = [];
  const announcer = new ProfileAnnouncer(
    {
      listPeersOf: () => Promise.reject(new Error('connection refused')),
    },
    { toUsers: () => assert.fail('nothing to send without the audience') },
    { onError: (err) => errors.push(err) },
  );
  await announcer.announce(dana);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /connection refused/);
});
