// `npm start` after a crash (issue #8, item 2): the launcher is killed with SIGKILL while
// messages pour in, its embedded PostgreSQL lives on as an orphan, and the very same command
// must recognise it, stop it cleanly and be ready again in under 30 s, with every message it
// acked before the crash still in the history, in a gap-free order. Two live launchers on one
// data folder are still refused. Runs against the existing build (npm test built it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import {
  cleanUp,
  freePort,
  http,
  launch,
  login,
  processesOn,
  register,
  sleep,
  startLauncher,
  stopWithSigint,
} from './launcher-testkit.mjs';

const READY_AGAIN_WITHIN_MS = 30_000;

async function settings(dataDir) {
  return {
    PORT: String(await freePort()),
    QC_DATA_DIR: dataDir,
    // The load below is far above what one person may send; the rate limit is not under test here.
    RATE_LIMIT_MESSAGES_PER_SEC: '100000',
    RATE_LIMIT_MESSAGES_BURST: '100000',
  };
}

function connect(base, token) {
  const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

/** Sends one message after another on `socket` until `stop()` or the socket dies; every ok ack lands in `acked`. */
async function sender(socket, roomId, name, acked, stop) {
  for (let i = 0; !stop() && socket.connected; i++) {
    const clientMsgId = `${name}-${i}`;
    let ack;
    try {
      ack = await socket.timeout(3000).emitWithAck('message:send', { roomId, clientMsgId, content: `${name} #${i}` });
    } catch {
      return; // no ack: the server went away mid-send, so this one may or may not be stored
    }
    if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack.error)}`);
    acked.set(clientMsgId, ack.message);
  }
}

async function history(base, token, roomId) {
  const all = [];
  for (let after = 0; ;) {
    const page = await http(base, 'GET', `/rooms/${roomId}/messages?after=${after}&limit=100`, { token });
    assert.equal(page.status, 200, JSON.stringify(page.body));
    all.push(...page.body.messages);
    if (!page.body.hasMore || page.body.messages.length === 0) return all;
    after = page.body.messages[page.body.messages.length - 1].seq;
  }
}

test('kill -9 under load, then the same npm start: ready in under 30 s, every acked message kept in order', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-crash-'));
  const launched = [];
  const sockets = [];
  try {
    const env = await settings(dataDir);
    const base = `http://127.0.0.1:${env.PORT}`;
    const first = await startLauncher(launched, env);

    const alice = await register(base, `alice${process.pid}`);
    const bob = await register(base, `bob${process.pid}`);
    const room = await http(base, 'POST', '/rooms', {
      token: alice.accessToken,
      body: { kind: 'group', name: 'crash test', memberIds: [bob.user.id] },
    });
    assert.equal(room.status, 201, JSON.stringify(room.body));
    const roomId = room.body.id;

    // Eight senders on four sockets of two people keep eight sends in flight at every moment.
    for (const who of [alice, alice, bob, bob]) sockets.push(await connect(base, who.accessToken));
    const acked = new Map();
    let stopping = false;
    const senders = [...sockets, ...sockets].map((s, i) => sender(s, roomId, `s${i}`, acked, () => stopping));
    const load = Promise.all(senders);
    const end = Date.now() + 30_000;
    while (acked.size < 500 && Date.now() < end) await sleep(20);
    assert.ok(acked.size >= 500, `only ${acked.size} messages acked in 30 s before the crash`);

    first.child.kill('SIGKILL');
    await first.exited;
    const ackedAtKill = acked.size;
    stopping = true;
    await load;
    const orphans = processesOn(dataDir);
    assert.ok(orphans.length > 0, 'the killed launcher should have left its PostgreSQL running (the case under test)');
    console.log(`# killed the launcher (kill -9) with ${ackedAtKill} messages acked; its PostgreSQL (pid ${orphans.join(', ')}) lives on`);

    // The same command again.
    const second = await startLauncher(launched, env, { withinMs: 60_000 });
    console.log(`# npm start after kill -9: ready in ${(second.readyMs / 1000).toFixed(1)} s`);
    for (const line of second.output().split('\n').filter(Boolean)) console.log(`#   ${line}`);
    assert.ok(second.readyMs < READY_AGAIN_WITHIN_MS, `ready again after ${second.readyMs} ms (bound ${READY_AGAIN_WITHIN_MS} ms)`);
    assert.match(second.output(), /is gone: stopping it cleanly/);
    for (const pid of orphans) assert.ok(!processesOn(dataDir).includes(pid), `the orphan ${pid} should have been stopped`);

    const token = (await login(base, `alice${process.pid}`)).accessToken;
    const stored = await history(base, token, roomId);
    const seqs = stored.map((m) => m.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: stored.length }, (_, i) => i + 1),
      'the history must be 1, 2, 3 … with no gap and nothing twice',
    );
    const byClientId = new Map(stored.map((m) => [m.clientMsgId, m]));
    const missing = [...acked.values()].filter((m) => byClientId.get(m.clientMsgId)?.id !== m.id);
    assert.deepEqual(
      missing.map((m) => m.clientMsgId),
      [],
      'every acked message must be in the history',
    );
    for (const m of acked.values()) assert.equal(byClientId.get(m.clientMsgId).seq, m.seq, `${m.clientMsgId} kept its seq`);
    console.log(`# ${acked.size} acked, ${stored.length} stored (any more were in flight, committed but not yet acked, at the kill)`);

    assert.equal(await stopWithSigint(second), 0, second.output());
    assert.deepEqual(processesOn(dataDir), [], 'a process outlived the launcher');
  } finally {
    for (const s of sockets) s.close();
    await cleanUp(launched, [dataDir]);
  }
});

test('a second npm start on a data folder a live one uses is refused, saying what to do, and the first keeps serving', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'qc-twice-'));
  const launched = [];
  try {
    const env = await settings(dataDir);
    const first = await startLauncher(launched, env);
    const postgresBefore = processesOn(dataDir);

    const second = launch(launched, { ...env, PORT: String(await freePort()) });
    let timer;
    const code = await Promise.race([second.exited, new Promise((r) => (timer = setTimeout(() => r('still running after 60 s'), 60_000)))]);
    clearTimeout(timer);
    const out = second.output();
    console.log(`# the second launcher said:\n#   ${out.trim().split('\n').join('\n#   ')}`);
    assert.equal(code, 1, out);
    assert.match(out, /could not start: .*another Quantum Chat/);
    assert.match(out, new RegExp(`pid ${first.child.pid}\\b`), 'the message names the launcher that holds the folder');
    assert.match(out, /Stop that one first|QC_DATA_DIR/);
    assert.doesNotMatch(out, /\n\s+at /, 'one clear sentence, no stack trace');

    assert.equal((await http(`http://127.0.0.1:${env.PORT}`, 'GET', '/health')).status, 200);
    assert.deepEqual(processesOn(dataDir), postgresBefore, "the first one's PostgreSQL must be left alone");
    assert.equal(await stopWithSigint(first), 0, first.output());
  } finally {
    await cleanUp(launched, [dataDir]);
  }
});
