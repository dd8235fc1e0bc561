import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message, RoomActivity } from '@qc/shared';
import { call, collect, sleep, until, type ClientSocket } from './support/chat-client';
import { ApiNode, startSharedEngines } from './support/node-cluster';

/*
 * Hybrid fan-out across two api processes sharing one PostgreSQL and one Redis: the
 * open-room channel and room:activity travel through the Redis adapter like any broadcast,
 * so a member's socket on the other node gets a large room live only where it has it open.
 */

const ACTIVITY_EVERY_MS = 500;
let engines: Awaited<ReturnType<typeof startSharedEngines>>;
let nodeA: ApiNode;
let nodeB: ApiNode;

before(async () => {
  engines = await startSharedEngines();
  const env = { ...engines.env, LARGE_ROOM_MEMBERS: '3', ROOM_ACTIVITY_EVERY_MS: String(ACTIVITY_EVERY_MS) };
  [nodeA, nodeB] = await Promise.all([ApiNode.start('node-a', env), ApiNode.start('node-b', env)]);
});
after(async () => {
  for (const node of [nodeA, nodeB]) node?.disconnectAll();
  await Promise.all([nodeA?.kill('SIGTERM'), nodeB?.kill('SIGTERM')]);
  await engines?.stop();
});

function activityAt(socket: ClientSocket, roomId: string): RoomActivity[] {
  const got: RoomActivity[] = [];
  socket.on('room:activity', (a) => {
    if (a.roomId === roomId) got.push(a);
  });
  return got;
}

describe('hybrid fan-out on two api nodes', () => {
  test('a large room: live on the other node where it is open, room:activity where it is not, and room:sync fills in', async () => {
    const [a, b, c, d] = await Promise.all([nodeA.user('ann'), nodeB.user('ben'), nodeB.user('cat'), nodeA.user('dan')]);
    const room = await nodeA.group(a, [b, c, d], 'large');
    const [sa, sb, sc, sd] = await Promise.all([
      nodeA.connect(a.accessToken),
      nodeB.connect(b.accessToken),
      nodeB.connect(c.accessToken),
      nodeA.connect(d.accessToken),
    ]);
    assert.deepEqual(await call(sb, 'room:open', { roomId: room.id }), { ok: true, roomId: room.id, pull: true });
    const [atB, atC, atD] = [collect(sb, room.id), collect(sc, room.id), collect(sd, room.id)];
    const [activityAtB, activityAtC, activityAtD] = [activityAt(sb, room.id), activityAt(sc, room.id), activityAt(sd, room.id)];

    for (let i = 1; i <= 10; i++)
      assert.equal((await call(sa, 'message:send', { roomId: room.id, clientMsgId: `x${i}`, content: `${i}` })).ok, true);
    await until(() => atB.length === 10, 10_000, 'live on the other node, where the room is open');
    assert.deepEqual(
      atB.map((m) => m.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    for (const [at, who] of [
      [activityAtC, 'the other node'],
      [activityAtD, 'the same node'],
    ] as const)
      await until(() => at.at(-1)?.lastSeq === 10, ACTIVITY_EVERY_MS * 10, `room:activity up to 10 on ${who}`);
    await sleep(ACTIVITY_EVERY_MS * 2);
    assert.equal(atC.length + atD.length, 0, 'nothing pushed where the room is not open');
    assert.ok(activityAtC.length <= 5 && activityAtD.length <= 5, `${activityAtC.length} and ${activityAtD.length} room:activity`);
    assert.equal(activityAtB.length, 0);

    assert.equal((await call(sc, 'room:open', { roomId: room.id })).pull, true);
    const sync = await call(sc, 'room:sync', { roomId: room.id, afterSeq: 0 });
    assert.deepEqual(
      (sync.messages as Message[]).map((m) => m.seq),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  });
});
