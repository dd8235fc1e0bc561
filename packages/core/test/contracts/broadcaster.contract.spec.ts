import { SocketIoBroadcaster } from '../../src/adapters/socketio/socketio-broadcaster.adapter';
import { RedisEmitterBroadcaster } from '../../src/adapters/redis/redis-emitter-broadcaster.adapter';
import { RedisSocketBus } from '../../src/adapters/redis/redis-socket-bus';
import { broadcasterContract, startSocketNode } from './broadcaster.contract';
import { startTestRedis } from '../support/test-redis';

/*
 * The Broadcaster port on its three adapters: the Socket.IO server of one process; the
 * same across two nodes through the real Redis (@socket.io/redis-adapter); and the Redis
 * emitter a workers process uses, with no sockets of its own.
 */
const quiet = { warn: () => undefined, info: () => undefined };

broadcasterContract('socket.io in one process', async () => {
  const node = await startSocketNode();
  const broadcaster = new SocketIoBroadcaster();
  broadcaster.attach(node.server);
  return { broadcaster, nodes: [node], close: node.close };
});

/** Two nodes on the test Redis, and a connection of the test's own (for the emitter). */
async function twoRedisNodes() {
  const r = await startTestRedis();
  const buses = [new RedisSocketBus(r.url, quiet), new RedisSocketBus(r.url, quiet)];
  await Promise.all(buses.map((b) => b.ready()));
  const nodes = await Promise.all(buses.map((b) => startSocketNode(b.adapter())));
  return {
    redis: r.redis,
    buses,
    nodes,
    close: async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await Promise.all(buses.map((b) => b.close()));
      await r.stop();
    },
  };
}

broadcasterContract('socket.io across two nodes (redis-adapter)', async () => {
  const { buses, nodes, close } = await twoRedisNodes();
  const broadcaster = new SocketIoBroadcaster(() => buses[0]!.flush());
  broadcaster.attach(nodes[0]!.server);
  return { broadcaster, nodes, close };
});

broadcasterContract('redis-emitter from a process without sockets (workers)', async () => {
  const { redis, nodes, close } = await twoRedisNodes();
  return { broadcaster: new RedisEmitterBroadcaster(redis), nodes, close };
});
