import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Message } from '@qc/shared';
import { InProcessRoomSequencer } from '../../src/adapters/memory/in-process-room-sequencer.adapter';
import { createDataSource } from '../../src/adapters/postgres/data-source';
import { PostgresRoomSequencer } from '../../src/adapters/postgres/postgres-room-sequencer.adapter';
import { loadConfig } from '../../src/config/config';
import { createAdapters, createCoreServices, registerLogConsumers, type CoreServices } from '../../src/composition';
import type { BroadcastOptions, Broadcaster, ServerEvent, ServerEventPayload } from '../../src/ports/broadcaster.port';
import type { RoomSequencer } from '../../src/ports/room-sequencer.port';
import { startTestDatabase, type TestDatabase } from '../support/test-database';
import type { DataSource } from 'typeorm';

/*
 * Why several nodes need a room sequencer that spans them. Two "nodes" (two sets of
 * services, two connection pools) share one database and one bus; the bus records the
 * order messages reach it. The second node's link to the bus is slow: each hand-off waits
 * until the first node has handed over a later seq, or 100 ms, whichever comes first. With
 * the PostgreSQL sequencer the bus order is still the seq order (the first node cannot
 * take a later seq before the slow hand-off is done); with only a per-process queue it is
 * not (the check that this test can fail, made certain rather than left to random delays,
 * which once happened to keep the order).
 */

class SlowLinkBus {
  readonly order: number[] = [];
  private fastestSeq = 0;
  private readonly waiting = new Set<() => void>();
  private slowHandOffBegun!: () => void;
  /** Resolves when the slow node has committed a message and begun handing it over. */
  readonly slowHandingOff = new Promise<void>((resolve) => (this.slowHandOffBegun = resolve));

  /** Resolves once the fast node has handed over a seq above `seq`, or after `ms`. */
  private overtaken(seq: number, ms: number): Promise<void> {
    if (this.fastestSeq > seq) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve();
      };
      const check = () => this.fastestSeq > seq && done();
      const timer = setTimeout(done, ms);
      this.waiting.add(check);
    });
  }

  node(slow: boolean): Broadcaster {
    let pending: Promise<void> = Promise.resolve();
    return {
      toRoom: <E extends ServerEvent>(_roomId: string, event: E, payload: ServerEventPayload<E>, _opts?: BroadcastOptions) => {
        if (event !== 'message:new') return;
        const seq = (payload as Message).seq;
        if (slow) this.slowHandOffBegun();
        pending = pending.then(async () => {
          if (slow) await this.overtaken(seq, 100);
          this.order.push(seq);
          if (!slow) {
            this.fastestSeq = Math.max(this.fastestSeq, seq);
            for (const check of [...this.waiting]) check();
          }
        });
      },
      toUser() {},
      toUsers() {},
      // Rooms here are small: hybrid fan-out's open-room path is never taken.
      toOpenRoom() {},
      toRoomNotOpen() {},
      addUserToRoom() {},
      removeUserFromRoom() {},
      disconnectUser() {},
      flush: () => pending,
    };
  }
}

let db: TestDatabase;
let other: DataSource;
const silent = { error: () => undefined, warn: () => undefined, info: () => undefined };

before(async () => {
  db = await startTestDatabase();
  other = createDataSource(db.url, { poolSize: 10 });
  await other.initialize();
});
after(async () => {
  await other?.destroy();
  await db?.stop();
});

async function twoNodes(bus: SlowLinkBus, sequencer: (ds: DataSource) => RoomSequencer): Promise<[CoreServices, CoreServices]> {
  const config = loadConfig({
    QC_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'qc-order-')),
    RATE_LIMIT_MESSAGES_PER_SEC: '1000',
    RATE_LIMIT_MESSAGES_BURST: '1000',
    // Order and pool use under bursts, not overload: a slow machine must not shed them.
    SEND_QUEUE_MAX_WAIT_MS: '60000',
  });
  const make = async (ds: DataSource, slow: boolean) => {
    const b = bus.node(slow);
    const core = createCoreServices(config, { ...(await createAdapters(config, ds, silent)), roomSequencer: sequencer(ds) }, b);
    registerLogConsumers(core.messageLog, b);
    return core;
  };
  return [await make(db.ds, false), await make(other, true)];
}

async function race(nodes: [CoreServices, CoreServices], bus: SlowLinkBus) {
  const [n1, n2] = nodes;
  const a = (await n1.auth.register({ username: `o${Date.now()}a`, password: 'correct horse battery' })).user.id;
  const b = (await n2.auth.register({ username: `o${Date.now()}b`, password: 'correct horse battery' })).user.id;
  const { room } = await n1.rooms.create(a, { kind: 'direct', userId: b });
  await Promise.all(
    Array.from({ length: 60 }, (_, i) =>
      i % 2
        ? n1.messages.send(a, { roomId: room.id, clientMsgId: `a${i}`, content: 'x' })
        : n2.messages.send(b, { roomId: room.id, clientMsgId: `b${i}`, content: 'x' }),
    ),
  );
  return bus.order;
}

/**
 * The interleaving that reorders, made certain rather than left to which node's group
 * commit wins: the slow node commits seq 1 and begins its slow hand-off; only then does
 * the fast node send (seq 2).
 */
async function staggered(nodes: [CoreServices, CoreServices], bus: SlowLinkBus) {
  const [n1, n2] = nodes;
  const a = (await n1.auth.register({ username: `s${Date.now()}a`, password: 'correct horse battery' })).user.id;
  const b = (await n2.auth.register({ username: `s${Date.now()}b`, password: 'correct horse battery' })).user.id;
  const { room } = await n1.rooms.create(a, { kind: 'direct', userId: b });
  const first = n2.messages.send(b, { roomId: room.id, clientMsgId: 'slow-1', content: 'x' });
  await bus.slowHandingOff;
  await Promise.all([first, n1.messages.send(a, { roomId: room.id, clientMsgId: 'fast-2', content: 'x' })]);
  return bus.order;
}

test('with the PostgreSQL room sequencer, two nodes hand a room to the bus in seq order', async () => {
  const bus = new SlowLinkBus();
  const order = await race(await twoNodes(bus, (ds) => new PostgresRoomSequencer(ds)), bus);
  assert.deepEqual(
    order,
    Array.from({ length: 60 }, (_, i) => i + 1),
  );
});

test('the same interleaving that reorders a per-process queue keeps seq order with the PostgreSQL sequencer', async () => {
  const bus = new SlowLinkBus();
  assert.deepEqual(await staggered(await twoNodes(bus, (ds) => new PostgresRoomSequencer(ds)), bus), [1, 2]);
});

test('with only a per-process queue, two nodes do reorder on the bus (so the tests above can fail)', async () => {
  const bus = new SlowLinkBus();
  // Seq 2 reaches the bus while the slow node is still handing over seq 1.
  assert.deepEqual(await staggered(await twoNodes(bus, () => new InProcessRoomSequencer()), bus), [2, 1]);
});
