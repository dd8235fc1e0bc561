import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, type Receipt, type RoomReceipts } from '@qc/shared';
import { call, sleep, until } from './support/chat-client';
import { ApiNode, startSharedEngines } from './support/node-cluster';

/*
 * Receipts across two api processes sharing one PostgreSQL and one Redis: the node that
 * took a pointer move coalesces it and broadcasts through the Redis-backed Broadcaster,
 * so members on the other node get it, once.
 */

let engines: Awaited<ReturnType<typeof startSharedEngines>>;
let nodeA: ApiNode;
let nodeB: ApiNode;

before(async () => {
  engines = await startSharedEngines();
  [nodeA, nodeB] = await Promise.all([ApiNode.start('node-a', engines.env), ApiNode.start('node-b', engines.env)]);
});
after(async () => {
  for (const node of [nodeA, nodeB]) node?.disconnectAll();
  await Promise.all([nodeA?.kill('SIGTERM'), nodeB?.kill('SIGTERM')]);
  await engines?.stop();
});

describe('receipts on two api nodes', () => {
  test('a read on one node reaches the members on the other as one receipt', async () => {
    const [a, b, c] = await Promise.all([nodeA.user('ann'), nodeA.user('ben'), nodeB.user('cat')]);
    const room = await nodeA.group(a, [b, c]);
    const [sa, sb, sc] = await Promise.all([nodeA.connect(a.accessToken), nodeA.connect(b.accessToken), nodeB.connect(c.accessToken)]);
    for (let i = 0; i < 3; i++)
      assert.equal((await call(sa, 'message:send', { roomId: room.id, clientMsgId: `x${i}`, content: `${i}` })).ok, true);
    const atC: Receipt[] = [];
    sc.on('receipt', (r) => {
      if (r.roomId === room.id && r.userId === b.user.id) atC.push(r);
    });

    assert.deepEqual(await call(sb, 'room:read', { roomId: room.id, seq: 2 }), { ok: true, readSeq: 2 });
    await until(() => atC.length > 0, 10_000, "b's receipt on the other node");
    await sleep(LIMITS.receiptFlushMs * 3);
    // One move, one receipt: sent by the node that took it, not once per node.
    assert.deepEqual(atC, [{ roomId: room.id, userId: b.user.id, deliveredSeq: 2, readSeq: 2 }]);

    const listed = await nodeB.http<RoomReceipts>('GET', `/rooms/${room.id}/receipts`, { token: c.accessToken });
    assert.deepEqual(
      listed.body.receipts.find((r) => r.userId === b.user.id),
      { roomId: room.id, userId: b.user.id, deliveredSeq: 2, readSeq: 2 },
    );
  });
});
