// Scenario `storm`: 2,000 sockets on the embedded profile drop and reconnect at once, each
// syncs its room, and then a burst of bad socket payloads.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopWithSigint } from '../launcher-testkit.mjs';
import { ask, connected, openSocket, pollHealthApart, runAll, syncRoom, totalAcked } from '../lib/fault-clients.mjs';
import { assertStillServing, health, people, pool, say, senders, withLaunchedProduct } from '../lib/fault-scenario-kit.mjs';

export const STORM_SOCKETS = Number(process.env.FAULTS_STORM_SOCKETS || 2000);
/** Sockets per person: well under the per-person cap (20 devices) even if old and new overlap for a moment. */
const SOCKETS_PER_PERSON = 10;

export function reconnectStorm() {
  return withLaunchedProduct('storm', async ({ base, launcher, closing }) => {
    const sockets = [];
    closing(() => sockets.forEach(({ socket }) => socket.close()));
    const personCount = Math.ceil(STORM_SOCKETS / SOCKETS_PER_PERSON);
    say(`signing up ${personCount} people (${SOCKETS_PER_PERSON} sockets each) in rooms of 10`);
    const users = await people(base, personCount, 'storm', 8);
    const list = await senders([base], users, 10, 'm');
    closing(() => list.forEach((s) => s.close()));
    say(`each of ${list.length} people sends 2 messages`);
    await runAll(list, { stop: (s) => s.acked.size >= 2, deadlineMs: 120_000 });
    say(`${totalAcked(list)} acked; opening ${STORM_SOCKETS} sockets in all`);
    for (const s of list) sockets.push({ socket: s.socket, sender: s });
    const extra = [];
    for (const s of list) for (let k = 1; k < SOCKETS_PER_PERSON && sockets.length + extra.length < STORM_SOCKETS; k++) extra.push(s);
    await pool(extra, 100, async (s) => {
      const socket = openSocket(base, s.token);
      sockets.push({ socket, sender: s });
      await connected(socket, 60_000);
    });
    say(`${sockets.filter((x) => x.socket.connected).length} sockets connected; all drop and reconnect at once`);

    // A bound for a server that has stopped answering, not for a slow one: its slowest answer is printed.
    const poller = pollHealthApart(base, { timeoutMs: 30_000 });
    const lag = monitorEventLoopDelay();
    lag.enable();
    const t = Date.now();
    for (const { socket } of sockets) socket.disconnect();
    for (const { socket } of sockets) socket.connect();
    const problems = [];
    try {
      // A bound for a server that stopped taking sockets, not for a slow one (a busy machine took 90 s).
      await Promise.all(sockets.map(({ socket }) => connected(socket, 240_000)));
    } catch (e) {
      problems.push(`${sockets.filter((x) => !x.socket.connected).length} sockets did not reconnect: ${e.message}`);
    }
    const stormMs = Date.now() - t;
    say(
      `${sockets.filter((x) => x.socket.connected).length} of ${sockets.length} reconnected in ${(stormMs / 1000).toFixed(1)} s; each syncs its room`,
    );

    // Per socket: does its room:sync show everything acked in its room, once, at 1..N?
    const ackedIn = new Map();
    for (const s of list)
      for (const [cid, m] of s.acked) ackedIn.set(s.roomId, [...(ackedIn.get(s.roomId) ?? []), { ...m, cid, userId: s.userId }]);
    // Socket by socket, and message by message: an acked message is lost if any socket of
    // its room missed it, duplicated if any socket saw it (or its clientMsgId) twice.
    let looked = 0;
    let seen = 0;
    let gaps = 0;
    const missed = new Set();
    const twice = new Set();
    await pool(sockets, 100, async ({ socket, sender }) => {
      const want = ackedIn.get(sender.roomId) ?? [];
      const { messages } = await syncRoom(socket, sender.roomId, { ms: 30_000 });
      const seqs = messages.map((m) => m.seq).sort((a, b) => a - b);
      if (!seqs.every((q, i) => q === i + 1)) gaps++;
      const byKey = new Map();
      for (const m of messages) {
        const key = `${m.senderId}/${m.clientMsgId}`;
        if (byKey.has(key)) twice.add(key);
        byKey.set(key, m);
      }
      looked += want.length;
      for (const w of want) {
        const m = byKey.get(`${w.userId}/${w.cid}`);
        if (m && m.id === w.id && m.seq === w.seq) seen++;
        else missed.add(`${w.userId}/${w.cid}`);
      }
    }).catch((e) => problems.push(`room:sync after the storm: ${e.message}`));
    const probes = await poller.stop();
    lag.disable();
    say(
      `  ${sockets.length} sockets looked for ${looked} acked messages of their rooms and found ${seen}; ` +
        `of ${totalAcked(list)} acked, ${missed.size} missed by some socket, ${twice.size} seen twice; ${gaps} socket(s) saw a gap`,
    );
    const failedProbes = probes.filter((h) => h.status !== 200);
    const slowest = Math.max(...probes.map((h) => h.ms));
    say(
      `  GET /health during the storm (every 250 ms from another process, 30 s bound): ${probes.length} probes, slowest ${slowest} ms, ` +
        `${failedProbes.length} not 200 (this process's own event loop lagged ${Math.round(lag.max / 1e6)} ms at most)` +
        (failedProbes.length ? ` (${failedProbes.map((h) => `${h.status || h.why} after ${h.ms} ms`).join(', ')})` : ''),
    );
    if (missed.size) problems.push(`${missed.size} acked message(s) missing from some socket's sync`);
    if (twice.size) problems.push(`${twice.size} message(s) seen twice in some socket's sync`);
    if (gaps) problems.push(`${gaps} socket(s) saw a gap in their room's seqs`);
    if (failedProbes.length) problems.push(`GET /health failed during the storm: ${failedProbes.map((h) => h.status || h.why).join(', ')}`);

    const bad = await badInputs(list);
    problems.push(...bad.problems);
    const after = await health(base);
    if (after.status !== 200) problems.push(`GET /health after the storm: ${after.status || after.why}`);
    assertStillServing(launcher, { problems });
    await stopWithSigint(launcher);
    const acked = totalAcked(list);
    return { acked, found: acked - missed.size, lost: missed.size, duplicated: twice.size, problems, badInputs: bad.tried };
  });
}

/**
 * Malformed and forbidden socket payloads, each with an ack: every one must be refused with
 * an error code (never INTERNAL, never ok), nothing stored, and the socket left connected.
 */
async function badInputs(list) {
  const [me, other] = [list[0], list.find((s) => s.roomId !== list[0].roomId) ?? list[1]];
  const room = me.roomId;
  const fine = { roomId: room, clientMsgId: 'fine', content: 'fine' };
  const protoKey = JSON.parse(`{"roomId":"${room}","clientMsgId":"p1","content":"x","__proto__":{"isAdmin":true}}`);
  const cases = [
    ['message:send', null],
    ['message:send', 42],
    ['message:send', 'hello'],
    ['message:send', []],
    ['message:send', {}],
    ['message:send', { ...fine, roomId: 'not-a-uuid' }],
    ['message:send', { ...fine, roomId: `${room}' OR 1=1 --` }],
    ['message:send', { ...fine, roomId: other.roomId }],
    ['message:send', { ...fine, roomId: '00000000-0000-4000-8000-000000000000' }],
    ['message:send', { ...fine, clientMsgId: '' }],
    ['message:send', { ...fine, clientMsgId: 'has space' }],
    ['message:send', { ...fine, clientMsgId: 'x'.repeat(65) }],
    ['message:send', { ...fine, clientMsgId: 7 }],
    ['message:send', { ...fine, content: '' }],
    ['message:send', { ...fine, content: 12 }],
    ['message:send', { ...fine, content: 'nul\u0000byte' }],
    ['message:send', { ...fine, content: 'x'.repeat(4001) }],
    ['message:send', { ...fine, content: { $gt: '' } }],
    ['message:send', { ...fine, contentType: 'evil' }],
    ['message:send', { ...fine, replyTo: 'nope' }],
    ['message:send', { ...fine, isAdmin: true }],
    ['message:send', protoKey],
    ['room:sync', { roomId: room, afterSeq: -1 }],
    ['room:sync', { roomId: room, afterSeq: 1e22 }],
    ['room:sync', { roomId: room, afterSeq: '1' }],
    ['room:sync', { roomId: room, afterSeq: 1.5 }],
    ['room:sync', { roomId: room, afterSeq: 0, limit: 0 }],
    ['room:sync', { roomId: room, afterSeq: 0, limit: 100_000 }],
    ['room:sync', { roomId: other.roomId, afterSeq: 0 }],
    ['room:sync', { afterSeq: 0 }],
    ['room:read', { roomId: room, seq: -5 }],
    ['room:read', { roomId: room, seq: Number.MAX_VALUE }],
    ['room:delivered', { roomId: room, seq: 'x' }],
    ['typing', { roomId: room, isTyping: 'yes' }],
    ['typing', { roomId: other.roomId, isTyping: true }],
    ['message:edit', { roomId: room, messageId: 'nope', content: 'x' }],
    ['message:edit', { roomId: room, messageId: '00000000-0000-4000-8000-000000000000', content: 'x' }],
    ['message:delete', { roomId: room, messageId: 12 }],
    ['reaction:add', { roomId: room, messageId: '00000000-0000-4000-8000-000000000000', emoji: 'x'.repeat(500) }],
    ['reaction:remove', { roomId: room }],
  ];
  const senderSocket = me.socket;
  const { messages: beforeMsgs } = await syncRoom(senderSocket, room);
  say(`a burst of ${cases.length} kinds of bad payload, 5 rounds, on one socket`);
  const problems = [];
  let tried = 0;
  for (let round = 0; round < 5; round++) {
    const answers = await Promise.all(cases.map(([event, payload]) => ask(senderSocket, event, payload, 10_000)));
    tried += cases.length;
    answers.forEach((r, i) => {
      const [event, payload] = cases[i];
      const what = `${event} ${JSON.stringify(payload)?.slice(0, 80)}`;
      if (r.ok) problems.push(`accepted: ${what}`);
      else if (!r.error?.code || r.error.code === 'INTERNAL' || r.error.code === 'TIMEOUT')
        problems.push(`${r.error?.code ?? 'no code'} for ${what}`);
    });
  }
  // Events with no ack callback at all, and events that do not exist: nothing to answer, nothing may break.
  for (const [event, payload] of [...cases.slice(0, 5), ['no:such:event', {}], ['__proto__', {}]]) {
    senderSocket.emit(event, payload);
    tried++;
  }
  const check = await ask(senderSocket, 'room:sync', { roomId: room, afterSeq: 0 }, 10_000);
  if (!senderSocket.connected || !check.ok) problems.push('the socket that sent bad payloads was dropped or stopped answering');
  // A frame over the server's payload limit is not parsed at all: Socket.IO closes that one
  // connection. The client must be able to come straight back, and nothing else may notice.
  const dropped = new Promise((resolve) => senderSocket.once('disconnect', resolve));
  senderSocket.emit('message:send', { ...fine, content: 'x'.repeat(100_000) });
  tried++;
  const why = await Promise.race([dropped, sleep(10_000).then(() => 'still connected')]);
  await connected(senderSocket, 15_000).catch(() => problems.push(`no reconnect after an oversized frame (${why})`));
  say(`  an oversized frame (100 kB): ${why}; the socket reconnected: ${senderSocket.connected}`);
  const { messages: afterMsgs } = await syncRoom(senderSocket, room);
  if (afterMsgs.length !== beforeMsgs.length) problems.push(`bad payloads stored ${afterMsgs.length - beforeMsgs.length} message(s)`);
  const uniq = [...new Set(problems)];
  say(
    `  ${tried} bad inputs tried: ${uniq.length ? `${uniq.length} kinds answered wrongly` : 'every one refused with a code, nothing stored, the socket still up'}`,
  );
  return { tried, problems: uniq };
}
