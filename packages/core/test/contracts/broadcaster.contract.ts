import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type ServerOptions } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { uuidv7 } from '../../src/lib/uuidv7';
import { openRoomChannel, roomChannel, userChannel, type Broadcaster } from '../../src/ports/broadcaster.port';
import type { ChatServer } from '../../src/adapters/socketio/socketio-broadcaster.adapter';

/** A Socket.IO server standing in for an api node: each socket joins its user's channel, the rooms it names and the room it has open. */
export interface SocketNode {
  url: string;
  server: ChatServer;
  close(): Promise<void>;
}

export async function startSocketNode(adapter?: ServerOptions['adapter']): Promise<SocketNode> {
  const http = createServer();
  const server: ChatServer = new Server(http, adapter ? { adapter } : {});
  server.on('connection', (socket) => {
    const auth = socket.handshake.auth as { userId: string; rooms: string[]; open?: string };
    void socket.join([userChannel(auth.userId), ...auth.rooms.map(roomChannel), ...(auth.open ? [openRoomChannel(auth.open)] : [])]);
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.disconnectSockets(true);
      await server.close();
    },
  };
}

interface Heard {
  roomId: string;
  userId: string;
}

/** A connected device and every `typing` event it heard (the contract's carrier event). */
interface Device {
  socket: Socket;
  heard: Heard[];
  /** Resolves when the device hears the marker, so anything sent before it has arrived too. */
  waitFor(marker: string): Promise<void>;
}

/**
 * Every Broadcaster adapter must pass this suite. `nodes` are the Socket.IO servers the
 * devices connect to (one for a single process, two sharing Redis); the broadcaster may
 * run on one of them or in a process with no sockets at all (the workers' emitter).
 * "Not heard" is proved by a marker sent after the event: the bus keeps one publisher's
 * order, so when the marker arrives anything sent before it would have arrived first.
 */
export function broadcasterContract(
  name: string,
  open: () => Promise<{ broadcaster: Broadcaster; nodes: SocketNode[]; close(): Promise<void> }>,
) {
  describe(`Broadcaster contract: ${name}`, () => {
    let broadcaster: Broadcaster;
    let nodes: SocketNode[];
    let close: () => Promise<void>;
    const devices: Device[] = [];
    before(async () => ({ broadcaster, nodes, close } = await open()));
    after(async () => {
      for (const d of devices) d.socket.disconnect();
      await close?.();
    });

    const first = () => nodes[0]!;
    const last = () => nodes[nodes.length - 1]!;

    async function device(node: SocketNode, userId: string, rooms: string[] = [], open?: string): Promise<Device> {
      const socket = connectClient(node.url, {
        auth: { userId, rooms, open },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      const heard: Heard[] = [];
      const markers = new Map<string, () => void>();
      socket.on('typing', (e: Heard) => {
        heard.push(e);
        markers.get(e.userId)?.();
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const d: Device = {
        socket,
        heard,
        waitFor: (marker) =>
          new Promise<void>((resolve, reject) => {
            if (heard.some((h) => h.userId === marker)) return resolve();
            const t = setTimeout(() => reject(new Error(`marker ${marker} not heard within 5 s`)), 5_000);
            markers.set(marker, () => {
              clearTimeout(t);
              resolve();
            });
          }),
      };
      devices.push(d);
      return d;
    }

    /** Sends a marker to each device's user, flushes, and waits until every device heard it. */
    async function settle(...ds: [Device, string][]) {
      const marker = `marker-${uuidv7()}`;
      for (const [, userId] of ds) broadcaster.toUser(userId, 'typing', { roomId: 'marker', userId: marker, isTyping: true });
      await broadcaster.flush();
      await Promise.all(ds.map(([d]) => d.waitFor(marker)));
    }
    const heardIn = (d: Device, roomId: string) => d.heard.filter((h) => h.roomId === roomId).map((h) => h.userId);

    test('toRoom reaches the room on every node and nobody outside it; exceptSocketId leaves out one socket', async () => {
      const room = uuidv7();
      const [u1, u2, out] = [uuidv7(), uuidv7(), uuidv7()];
      const [d1, d2, dOut] = await Promise.all([device(first(), u1, [room]), device(last(), u2, [room]), device(first(), out, [uuidv7()])]);
      broadcaster.toRoom(room, 'typing', { roomId: room, userId: 'to-all', isTyping: true });
      broadcaster.toRoom(room, 'typing', { roomId: room, userId: 'not-to-d1', isTyping: true }, { exceptSocketId: d1.socket.id });
      await settle([d1, u1], [d2, u2], [dOut, out]);
      assert.deepEqual(heardIn(d1, room), ['to-all']);
      assert.deepEqual(heardIn(d2, room), ['to-all', 'not-to-d1']);
      assert.deepEqual(heardIn(dOut, room), []);
    });

    test('toUser reaches every device of the person; toUsers each listed person once', async () => {
      const [a, b, c] = [uuidv7(), uuidv7(), uuidv7()];
      const [phone, laptop, db, dc] = await Promise.all([device(first(), a), device(last(), a), device(last(), b), device(first(), c)]);
      const tag = uuidv7();
      broadcaster.toUser(a, 'typing', { roomId: tag, userId: 'to-a', isTyping: true });
      broadcaster.toUsers([a, b, a], 'typing', { roomId: tag, userId: 'to-a-and-b', isTyping: true });
      broadcaster.toUsers([], 'typing', { roomId: tag, userId: 'to-nobody', isTyping: true });
      await settle([phone, a], [laptop, a], [db, b], [dc, c]);
      assert.deepEqual(heardIn(phone, tag), ['to-a', 'to-a-and-b']);
      assert.deepEqual(heardIn(laptop, tag), ['to-a', 'to-a-and-b']);
      assert.deepEqual(heardIn(db, tag), ['to-a-and-b']);
      assert.deepEqual(heardIn(dc, tag), []);
    });

    test('addUserToRoom subscribes every device of the person on every node; removeUserFromRoom ends it', async () => {
      const room = uuidv7();
      const [member, joiner] = [uuidv7(), uuidv7()];
      const [dm, j1, j2] = await Promise.all([device(first(), member, [room]), device(first(), joiner), device(last(), joiner)]);
      broadcaster.addUserToRoom(joiner, room);
      await broadcaster.flush();
      await settle([j1, joiner], [j2, joiner]); // the join has reached every node
      broadcaster.toRoom(room, 'typing', { roomId: room, userId: 'after-join', isTyping: true });
      await settle([dm, member], [j1, joiner], [j2, joiner]);
      broadcaster.removeUserFromRoom(joiner, room);
      await settle([j1, joiner], [j2, joiner]);
      broadcaster.toRoom(room, 'typing', { roomId: room, userId: 'after-leave', isTyping: true });
      await settle([dm, member], [j1, joiner], [j2, joiner]);
      assert.deepEqual(heardIn(dm, room), ['after-join', 'after-leave']);
      assert.deepEqual(heardIn(j1, room), ['after-join']);
      assert.deepEqual(heardIn(j2, room), ['after-join']);
    });

    test('toOpenRoom reaches the sockets with the room open and the listed people, each once; toRoomNotOpen the other members', async () => {
      const room = uuidv7();
      const [looking, away, author] = [uuidv7(), uuidv7(), uuidv7()];
      // The member removed below is on the last node: a leave through Redis reaches even the
      // publishing node by its subscription, so only there is it ordered before the marker.
      const [dLooking, dAway, dAuthorOpen, dAuthorElsewhere] = await Promise.all([
        device(last(), looking, [room], room),
        device(first(), away, [room]),
        device(last(), author, [room], room),
        device(first(), author, [room]),
      ]);
      broadcaster.toOpenRoom(room, 'typing', { roomId: room, userId: 'live', isTyping: true }, [author]);
      broadcaster.toRoomNotOpen(room, 'typing', { roomId: room, userId: 'activity', isTyping: true });
      await settle([dLooking, looking], [dAway, away], [dAuthorOpen, author], [dAuthorElsewhere, author]);
      assert.deepEqual(heardIn(dLooking, room), ['live']);
      assert.deepEqual(heardIn(dAway, room), ['activity']);
      assert.deepEqual(heardIn(dAuthorOpen, room), ['live'], 'open and listed: once');
      assert.deepEqual(heardIn(dAuthorElsewhere, room), ['live', 'activity']);
      broadcaster.removeUserFromRoom(looking, room);
      await settle([dLooking, looking]);
      broadcaster.toOpenRoom(room, 'typing', { roomId: room, userId: 'after-removal', isTyping: true });
      await settle([dLooking, looking], [dAuthorOpen, author]);
      assert.deepEqual(heardIn(dLooking, room), ['live'], 'a removed member leaves the open room too');
      assert.deepEqual(heardIn(dAuthorOpen, room), ['live', 'after-removal']);
    });

    test("disconnectUser closes every socket of the person on every node, and nobody else's", async () => {
      const [gone, stays] = [uuidv7(), uuidv7()];
      const [phone, laptop, other] = await Promise.all([device(first(), gone), device(last(), gone), device(last(), stays)]);
      const closed = (d: Device) =>
        new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error('socket not disconnected within 5 s')), 5_000);
          d.socket.once('disconnect', (reason) => {
            clearTimeout(t);
            resolve(reason);
          });
        });
      const [phoneClosed, laptopClosed] = [closed(phone), closed(laptop)];
      broadcaster.disconnectUser(gone);
      await broadcaster.flush();
      // "io server disconnect": the server ended it, so the client does not reconnect by itself.
      assert.deepEqual(await Promise.all([phoneClosed, laptopClosed]), ['io server disconnect', 'io server disconnect']);
      await settle([other, stays]);
      assert.equal(other.socket.connected, true);
    });

    test('many broadcasts to one room arrive in the order they were made, on every node', async () => {
      const room = uuidv7();
      const [u1, u2] = [uuidv7(), uuidv7()];
      const [d1, d2] = await Promise.all([device(first(), u1, [room]), device(last(), u2, [room])]);
      const sent = Array.from({ length: 200 }, (_, i) => `n${i}`);
      for (const n of sent) broadcaster.toRoom(room, 'typing', { roomId: room, userId: n, isTyping: true });
      await settle([d1, u1], [d2, u2]);
      assert.deepEqual(heardIn(d1, room), sent);
      assert.deepEqual(heardIn(d2, room), sent);
    });
  });
}
