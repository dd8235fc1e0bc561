// The fault suite's own counting (scripts/lib/fault-clients.mjs), on fake sockets: a sender
// resends an un-acked message with the same clientMsgId, and the audit notices a lost, a
// duplicated and an out-of-order message. Without these, "0 acked lost" could mean a counter
// that never counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit, report, Sender } from './lib/fault-clients.mjs';

/** A stand-in for a socket.io client socket: `answer(event, payload)` plays the server. */
function fakeSocket(answer) {
  const sent = [];
  return {
    sent,
    connected: true,
    io: { on: () => undefined, opts: { reconnection: true } },
    on: () => undefined,
    close: () => undefined,
    timeout: () => ({
      emitWithAck: async (event, payload) => {
        sent.push([event, payload]);
        const r = await answer(event, payload);
        if (r === 'no ack') throw new Error('operation has timed out');
        return r;
      },
    }),
  };
}

const ROOM = '01a23393-4bfb-7000-a94d-525cf2aa5f5f';
const stored = (seq, clientMsgId, senderId = 'u1') => ({
  id: `m${seq}`,
  seq,
  roomId: ROOM,
  senderId,
  clientMsgId,
  createdAt: new Date(0).toISOString(),
});

test('a sender resends what was not acked with the same clientMsgId and counts each refusal by code', async () => {
  const answers = ['no ack', { ok: false, error: { code: 'UNAVAILABLE', message: 'database away' } }];
  let seq = 0;
  const socket = fakeSocket((_event, p) => answers.shift() ?? { ok: true, message: stored(++seq, p.clientMsgId) });
  const s = new Sender({ name: 'a', base: 'http://unused', token: 't', userId: 'u1', roomId: ROOM, socket, ackTimeoutMs: 10 });
  await s.run({ stop: (me) => me.acked.size >= 2, deadline: Date.now() + 10_000 });
  assert.deepEqual(
    socket.sent.map(([, p]) => p.clientMsgId),
    ['a-0', 'a-0', 'a-0', 'a-1'],
  );
  assert.deepEqual([...s.acked.keys()], ['a-0', 'a-1']);
  assert.deepEqual(Object.fromEntries(s.refusals), { TIMEOUT: 1, UNAVAILABLE: 1 });
  assert.equal(s.resends, 2);
  assert.deepEqual(s.ackedAfterResend, ['a-0']);
});

test('a refusal no resend can fix (VALIDATION) stops the sender with the reason', async () => {
  const socket = fakeSocket(() => ({ ok: false, error: { code: 'VALIDATION', message: 'content: too long' } }));
  const s = new Sender({ name: 'b', base: 'http://unused', token: 't', userId: 'u1', roomId: ROOM, socket });
  await assert.rejects(s.run({ stop: () => false, deadline: Date.now() + 10_000 }), /b-0 refused with VALIDATION: content: too long/);
});

test('the audit counts found, lost and duplicated per client and sees a gap, a repeated seq and an unacked extra', async () => {
  const sender = (name, userId, acked) => {
    const s = new Sender({ name, base: 'http://unused', token: 't', userId, roomId: ROOM, socket: fakeSocket(() => 'no ack') });
    for (const [cid, seq] of acked) s.acked.set(cid, { id: `m${seq}`, seq });
    return s;
  };
  // u1 was acked x-0..x-3; the room lost x-2 (seq 3), holds x-3 twice, and y-9 nobody was acked for.
  const a = sender('x', 'u1', [
    ['x-0', 1],
    ['x-1', 2],
    ['x-2', 3],
    ['x-3', 4],
  ]);
  const b = sender('y', 'u2', [['y-0', 5]]);
  const inRoom = [
    stored(1, 'x-0'),
    stored(2, 'x-1'),
    stored(4, 'x-3'),
    { ...stored(5, 'x-3'), id: 'copy' },
    stored(5, 'y-0', 'u2'),
    stored(7, 'y-9', 'u2'),
  ];
  const reader = fakeSocket(() => ({ ok: true, messages: inRoom, updates: [], hasMore: false }));
  const result = await audit([a, b], new Map([[ROOM, reader]]));
  const by = Object.fromEntries(result.clients.map((c) => [c.name, [c.acked, c.found, c.lost, c.duplicated]]));
  assert.deepEqual(by, { x: [4, 3, 1, 1], y: [1, 1, 0, 0] });
  assert.deepEqual(result.totals, { acked: 5, found: 4, lost: 1, duplicated: 2 }); // x-3 twice, and seq 5 shown twice
  const [room] = result.rooms;
  assert.equal(room.gapFree, false);
  assert.equal(room.unacked, 1);
  const problems = report(result, () => undefined);
  assert.equal(problems.length, 5, problems.join('\n'));
});

test('an honest room passes the audit with nothing to report', async () => {
  const s = new Sender({ name: 'z', base: 'http://unused', token: 't', userId: 'u1', roomId: ROOM, socket: fakeSocket(() => 'no ack') });
  s.acked.set('z-0', { id: 'm1', seq: 1 });
  s.acked.set('z-1', { id: 'm2', seq: 2 });
  const reader = fakeSocket(() => ({ ok: true, messages: [stored(1, 'z-0'), stored(2, 'z-1')], updates: [], hasMore: false }));
  const result = await audit([s], new Map([[ROOM, reader]]));
  assert.deepEqual(result.totals, { acked: 2, found: 2, lost: 0, duplicated: 0 });
  assert.deepEqual(
    report(result, () => undefined),
    [],
  );
});
