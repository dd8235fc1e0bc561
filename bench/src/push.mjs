#!/usr/bin/env node
// `npm run bench:push [-- --people N --sends N]`: what Web Push costs on the running product
// (issue #13). The embedded product pushes to a push service on loopback (the specs' test
// push service: TLS, VAPID JWT verified, every payload decrypted with the device's keys), for
// people with no device connected:
//   - latency: one DM at a time, from the send to the push taken by the push service
//     (the ack, the background notifier, the lookups, encryption and the HTTPS request);
//   - throughput: a burst of DMs to everyone, pushes taken per second until the last.
// Loopback only; it starts the product itself (built: `npm run build` first) and stops it.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { startTestPushService } from '@qc/core/testing';
import { startProduct } from './targets.mjs';

const argv = process.argv.slice(2);
const arg = (name, dflt) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : dflt);
const people = arg('--people', 20);
const sends = arg('--sends', 500);
const say = (line) => console.log(`[bench:push] ${line}`);
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

const pushService = await startTestPushService();
const product = await startProduct({ say, env: { PUSH_ALLOW_PRIVATE_ENDPOINTS: 'true', PUSH_CA_FILE: pushService.caFile } });
try {
  const api = async (method, p, token, body) => {
    const res = await fetch(`${product.url}/api/v1${p}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  const signUp = (name) =>
    api('POST', '/auth/register', null, { username: `${name}${randomBytes(3).toString('hex')}`, password: 'correct horse battery' });
  const { publicKey } = await api('GET', '/push/vapid-public-key');
  const sender = await signUp('sender');
  say(`${people} people, each with one device subscribed and none connected, each in a DM with the sender`);
  const rooms = [];
  for (let i = 0; i < people; i++) {
    const person = await signUp(`p${i}-`);
    await api('POST', '/push/subscriptions', person.accessToken, pushService.device(publicKey).subscription);
    rooms.push((await api('POST', '/rooms', sender.accessToken, { kind: 'direct', userId: person.user.id })).id);
  }
  const socket = io(product.url, { auth: { token: sender.accessToken }, transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  let n = 0;
  const send = async (roomId) => {
    const ack = await socket.timeout(10_000).emitWithAck('message:send', { roomId, clientMsgId: `b${++n}`, content: `bench message ${n}` });
    if (!ack.ok) throw new Error(`send refused: ${JSON.stringify(ack.error)}`);
    return ack.message;
  };

  // Warm-up: the first push opens the TLS connection and compiles the paths.
  for (const roomId of rooms.slice(0, 5)) await send(roomId);
  await pushService.waitFor(5, 30_000);

  say('latency: 100 DMs one at a time, send → push taken by the push service');
  const latencies = [];
  for (let i = 0; i < 100; i++) {
    const before = pushService.received.length;
    const t0 = performance.now();
    await send(rooms[i % rooms.length]);
    const [got] = (await pushService.waitFor(before + 1, 30_000)).slice(before);
    latencies.push(got.receivedAt - t0);
  }
  say(`  p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, worst ${Math.max(...latencies).toFixed(1)} ms`);

  say(`throughput: ${sends} DMs sent as fast as acks come, spread over the ${people} people`);
  const start = pushService.received.length;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < sends; i += 8) await send(rooms[i % rooms.length]);
    }),
  );
  const acked = performance.now() - t0;
  await pushService.waitFor(start + sends, 120_000);
  const done = pushService.received[start + sends - 1].receivedAt - t0;
  say(
    `  all ${sends} acked in ${acked.toFixed(0)} ms; all pushed in ${done.toFixed(0)} ms: ${((sends / done) * 1000).toFixed(0)} pushes/s`,
  );
  if (pushService.rejected.length)
    throw new Error(`the push service refused ${pushService.rejected.length}: ${JSON.stringify(pushService.rejected[0])}`);
  socket.disconnect();
} finally {
  await product.stop();
  await pushService.close();
}
