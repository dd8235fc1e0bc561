#!/usr/bin/env node
// The raw `ws` baseline: the same protocol subset as the Socket.IO one, framed as JSON arrays
// over a bare WebSocket: client → server `[event, payload, ackId]`, server → client
// `['ack', ackId, answer]` or `[event, payload]`. The first frame is `['hello', { token, rooms }, ackId]`.
// Each broadcast is serialised once and written to every member's socket.
// Usage: node ws-server.mjs PORT
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { badSend, faultyFanOut, Rooms } from './room-state.mjs';

const port = Number(process.argv[2] ?? 0);
const rooms = new Rooms();
/** roomId → Set of sockets of its members that are connected */
const members = new Map();
const http = createServer();
const wss = new WebSocketServer({ server: http, maxPayload: 64 * 1024 });

const answer = (ws, id, body) => ws.send(JSON.stringify(['ack', id, body]));

wss.on('connection', (ws) => {
  let userId = null;
  let mine = new Set();
  ws.on('message', (raw) => {
    let frame;
    try {
      frame = JSON.parse(raw.toString());
    } catch {
      return ws.close(1003, 'not JSON');
    }
    const [event, p, id] = Array.isArray(frame) ? frame : [];
    if (event === 'hello') {
      if (typeof p?.token !== 'string' || !Array.isArray(p.rooms)) return ws.close(1008, 'UNAUTHORIZED');
      userId = p.token;
      mine = new Set(p.rooms);
      for (const r of mine) {
        if (!members.has(r)) members.set(r, new Set());
        members.get(r).add(ws);
      }
      return answer(ws, id, { ok: true });
    }
    if (userId === null) return ws.close(1008, 'UNAUTHORIZED');
    if (event === 'message:send') {
      const why = badSend(p);
      if (why) return answer(ws, id, { ok: false, error: { code: 'VALIDATION', message: why } });
      if (!mine.has(p.roomId)) return answer(ws, id, { ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
      const { message, fresh } = rooms.send(userId, p);
      if (fresh) {
        const frameOut = JSON.stringify(['message:new', message]);
        for (const peer of faultyFanOut(members.get(p.roomId) ?? [])) peer.send(frameOut);
      }
      return answer(ws, id, { ok: true, message });
    }
    if (event === 'room:sync') {
      if (!mine.has(p?.roomId)) return answer(ws, id, { ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
      return answer(ws, id, { ok: true, ...rooms.sync(p) });
    }
    answer(ws, id, { ok: false, error: { code: 'VALIDATION', message: `unknown event ${event}` } });
  });
  ws.on('close', () => {
    for (const r of mine) members.get(r)?.delete(ws);
  });
});

http.listen(port, '127.0.0.1', () => {
  process.send?.({ ready: true, port: http.address().port });
  console.log(`ws baseline ready on ${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
