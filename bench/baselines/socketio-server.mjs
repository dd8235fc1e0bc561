#!/usr/bin/env node
// The plain Socket.IO baseline: the product's protocol subset (join rooms at connect,
// message:send with seq and idempotency, message:new to the room, room:sync) with nothing
// stored durably. The client's handshake names its user and rooms (sign-up and login are
// skipped: the harness gives every client its identity). Usage: node socketio-server.mjs PORT
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { badSend, faultyFanOut, Rooms } from './room-state.mjs';

const port = Number(process.argv[2] ?? 0);
const rooms = new Rooms();
const http = createServer();
const io = new Server(http, { transports: ['websocket'], maxHttpBufferSize: 64 * 1024 });

io.use((socket, next) => {
  const { token, rooms: roomIds } = socket.handshake.auth ?? {};
  if (typeof token !== 'string' || !Array.isArray(roomIds)) return next(new Error('UNAUTHORIZED'));
  socket.data.userId = token;
  socket.data.rooms = new Set(roomIds);
  next();
});

io.on('connection', (socket) => {
  socket.join([...socket.data.rooms]);
  socket.on('message:send', (p, ack) => {
    if (typeof ack !== 'function') return;
    const why = badSend(p);
    if (why) return ack({ ok: false, error: { code: 'VALIDATION', message: why } });
    if (!socket.data.rooms.has(p.roomId)) return ack({ ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
    const { message, fresh } = rooms.send(socket.data.userId, p);
    if (fresh && process.env.BASELINE_FAULT) {
      const peers = faultyFanOut(io.sockets.adapter.rooms.get(p.roomId) ?? []);
      for (const id of peers) io.to(id).emit('message:new', message);
    } else if (fresh) io.to(p.roomId).emit('message:new', message);
    ack({ ok: true, message });
  });
  socket.on('room:sync', (p, ack) => {
    if (typeof ack !== 'function') return;
    if (!socket.data.rooms.has(p?.roomId)) return ack({ ok: false, error: { code: 'FORBIDDEN', message: 'not a member' } });
    ack({ ok: true, ...rooms.sync(p) });
  });
});

http.listen(port, '127.0.0.1', () => {
  process.send?.({ ready: true, port: http.address().port });
  console.log(`socket.io baseline ready on ${http.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
