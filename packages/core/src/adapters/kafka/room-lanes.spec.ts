import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumeInRoomLanes, type LaneControl, type LaneRecord } from './room-lanes';

interface Rec extends LaneRecord {
  room: string;
  n: number;
}

/** A batch of one partition: records of the given rooms, offsets 0, 1, 2… in that order. */
const batch = (...rooms: string[]): Rec[] => {
  const count = new Map<string, number>();
  return rooms.map((room, i) => {
    const n = (count.get(room) ?? 0) + 1;
    count.set(room, n);
    return { key: Buffer.from(room), offset: String(i), room, n };
  });
};

function control(opts: { stale?: () => boolean } = {}) {
  const resolved: string[] = [];
  const ctl: LaneControl = {
    resolveOffset: (o) => void resolved.push(o),
    heartbeat: async () => undefined,
    commitOffsetsIfNecessary: async () => undefined,
    isRunning: () => true,
    isStale: opts.stale ?? (() => false),
  };
  return { ctl, resolved };
}

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

test('a slow room does not hold up the other rooms of its partition; each room keeps its order', async () => {
  const records = batch('slow', 'fast', 'slow', 'fast', 'fast');
  const fastDone = gate();
  const seen: string[] = [];
  const { ctl, resolved } = control();
  let fastCount = 0;
  await consumeInRoomLanes(
    records,
    async (r) => {
      // The slow room's first record waits until every fast one ran: one record at a
      // time per partition would never get there.
      if (r.room === 'slow' && r.n === 1) {
        await Promise.race([
          fastDone.opened,
          new Promise((_, reject) => setTimeout(() => reject(new Error('the fast room waited for the slow one')), 2000)),
        ]);
      }
      seen.push(`${r.room}${r.n}`);
      if (r.room === 'fast' && ++fastCount === 3) fastDone.open();
    },
    ctl,
  );
  assert.deepEqual(seen, ['fast1', 'fast2', 'fast3', 'slow1', 'slow2']);
  assert.deepEqual(resolved, ['0', '1', '2', '3', '4'], 'every offset, in order, once');
});

test('an offset is resolved only when every offset before it was handled', async () => {
  const records = batch('a', 'b', 'b', 'a');
  const aMayGo = gate();
  const { ctl, resolved } = control();
  const resolvedWhenBWasDone: string[][] = [];
  let bCount = 0;
  await consumeInRoomLanes(
    records,
    async (r) => {
      if (r.room === 'a' && r.n === 1) await aMayGo.opened;
      if (r.room === 'b' && ++bCount === 2) {
        setImmediate(() => {
          resolvedWhenBWasDone.push([...resolved]);
          aMayGo.open();
        });
      }
    },
    ctl,
  );
  assert.deepEqual(resolvedWhenBWasDone, [[]], "b's offsets 1 and 2 wait for a's offset 0");
  assert.deepEqual(resolved, ['0', '1', '2', '3']);
});

test("a failed record stops its room's lane, the others finish, the handled prefix is resolved and the error is thrown", async () => {
  const records = batch('a', 'b', 'a', 'b', 'a', 'b');
  const ran: string[] = [];
  const { ctl, resolved } = control();
  await assert.rejects(
    consumeInRoomLanes(
      records,
      async (r) => {
        if (r.room === 'a' && r.n === 2) throw new Error('store away');
        ran.push(`${r.room}${r.n}`);
      },
      ctl,
    ),
    /store away/,
  );
  assert.ok(!ran.includes('a3'), "the room's later record must not overtake the failed one");
  assert.deepEqual(
    ran.filter((x) => x.startsWith('b')),
    ['b1', 'b2', 'b3'],
    'the other room is not held up',
  );
  assert.deepEqual(resolved, ['0', '1'], 'offset 2 failed: nothing from it on is resolved, so all of it comes again');
});

test('the retry after a failure passes over what was handled past it, so nothing is handled twice', async () => {
  const records = batch('a', 'b', 'a', 'b', 'a', 'b');
  const handledAhead = new Set<string>();
  const ran: string[] = [];
  let failOnce = true;
  const handle = async (r: Rec) => {
    if (r.room === 'a' && r.n === 2 && failOnce) {
      failOnce = false;
      throw new Error('store away');
    }
    ran.push(`${r.room}${r.n}`);
  };
  const first = control();
  await assert.rejects(consumeInRoomLanes(records, handle, first.ctl, { handledAhead }), /store away/);
  assert.deepEqual([...handledAhead].sort(), ['3', '5'], 'b2 and b3 were handled past the failed offset 2');
  // What kafkajs does next: fetch again from the failed record.
  const again = control();
  await consumeInRoomLanes(records.slice(2), handle, again.ctl, { handledAhead });
  assert.deepEqual(ran.sort(), ['a1', 'a2', 'a3', 'b1', 'b2', 'b3'], 'each record handled once');
  assert.deepEqual(again.resolved, ['2', '3', '4', '5']);
  assert.equal(handledAhead.size, 0, 'resolved offsets are forgotten');
});

test('a batch made stale by a seek or rebalance stops starting records and leaves the rest unresolved', async () => {
  const records = batch('a', 'a', 'a', 'a');
  let handled = 0;
  const { ctl, resolved } = control({ stale: () => handled >= 2 });
  await consumeInRoomLanes(
    records,
    async () => {
      handled++;
    },
    ctl,
  );
  assert.equal(handled, 2);
  assert.deepEqual(resolved, ['0', '1']);
});

test('at most maxLanes rooms are worked on at once', async () => {
  const records = batch(...Array.from({ length: 10 }, (_, i) => `room${i}`));
  let now = 0;
  let most = 0;
  const { ctl, resolved } = control();
  await consumeInRoomLanes(
    records,
    async () => {
      most = Math.max(most, ++now);
      await new Promise((r) => setTimeout(r, 5));
      now--;
    },
    ctl,
    { maxLanes: 3 },
  );
  assert.equal(most, 3);
  assert.equal(resolved.length, 10);
});

test('a heartbeat that fails (the group is rebalancing) ends the batch with that error', async () => {
  const records = batch('a', 'b', 'a');
  const { ctl } = control();
  let beats = 0;
  ctl.heartbeat = async () => {
    if (++beats === 2) throw new Error('REBALANCE_IN_PROGRESS');
  };
  const ran: string[] = [];
  await assert.rejects(
    consumeInRoomLanes(
      records,
      async (r) => {
        ran.push(`${r.room}${r.n}`);
      },
      ctl,
    ),
    /REBALANCE_IN_PROGRESS/,
  );
  assert.ok(ran.length < 3, `no record starts after the failed heartbeat (ran ${ran.join(', ')})`);
});

/** A run handler that records each run it gets as its records' names. */
const runsOf = (runs: string[][], fail?: (run: Rec[]) => boolean) => ({
  run: async (rs: Rec[]) => {
    if (fail?.(rs)) throw new Error('store away');
    runs.push(rs.map((r) => `${r.room}${r.n}`));
  },
});

test("a run handler gets a room's records in runs of at most maxRun, one room each, in offset order", async () => {
  const records = batch('a', 'b', 'a', 'a', 'b', 'a', 'a', 'c');
  const runs: string[][] = [];
  const { ctl, resolved } = control();
  await consumeInRoomLanes(records, runsOf(runs), ctl, { maxRun: 3 });
  assert.deepEqual(
    [...runs].sort((x, y) => x[0]!.localeCompare(y[0]!)),
    [['a1', 'a2', 'a3'], ['a4', 'a5'], ['b1', 'b2'], ['c1']],
  );
  assert.deepEqual(resolved, ['0', '1', '2', '3', '4', '5', '6', '7'], 'every offset, in order, once');
});

test("a run that fails stops its room's lane and is not resolved; the retry hands it over whole and passes over what other rooms handled", async () => {
  const records = batch('a', 'b', 'a', 'b', 'a', 'b', 'a');
  const handledAhead = new Set<string>();
  const runs: string[][] = [];
  let failed = false;
  // a's second run (a3, a4) fails once, part-way as far as the lanes can tell.
  const handler = runsOf(runs, (rs) => {
    if (failed || rs[0]!.room !== 'a' || rs[0]!.n !== 3) return false;
    failed = true;
    return true;
  });
  const first = control();
  await assert.rejects(consumeInRoomLanes(records, handler, first.ctl, { maxRun: 2, handledAhead }), /store away/);
  assert.deepEqual(
    runs.filter((r) => r[0]!.startsWith('a')),
    [['a1', 'a2']],
    "a's later records do not overtake the failed run",
  );
  assert.deepEqual(
    runs.filter((r) => r[0]!.startsWith('b')),
    [['b1', 'b2'], ['b3']],
    'the other room is not held up',
  );
  assert.deepEqual(first.resolved, ['0', '1', '2', '3'], 'a3 (offset 4) failed: nothing from it on is resolved');
  assert.deepEqual([...handledAhead].sort(), ['5'], 'b3 was handled past the failed run');
  // What kafkajs does next: fetch again from the failed run's first record.
  const again = control();
  await consumeInRoomLanes(records.slice(4), handler, again.ctl, { maxRun: 2, handledAhead });
  assert.deepEqual(runs.slice(3), [['a3', 'a4']], 'the failed run again, whole; b3 not again');
  assert.deepEqual(again.resolved, ['4', '5', '6']);
  assert.equal(handledAhead.size, 0);
});

test('records handled ahead are left out of a run, the rest of the lane still goes in runs', async () => {
  const records = batch('a', 'a', 'a', 'a');
  const runs: string[][] = [];
  const { ctl, resolved } = control();
  await consumeInRoomLanes(records, runsOf(runs), ctl, { maxRun: 3, handledAhead: new Set(['0', '1']) });
  assert.deepEqual(runs, [['a3'], ['a4']]);
  assert.deepEqual(resolved, ['0', '1', '2', '3']);
});

test('a batch made stale between runs starts no further run and leaves the rest unresolved', async () => {
  const records = batch('a', 'a', 'a', 'a', 'a');
  const runs: string[][] = [];
  const { ctl, resolved } = control({ stale: () => runs.length >= 1 });
  await consumeInRoomLanes(records, runsOf(runs), ctl, { maxRun: 2 });
  assert.deepEqual(runs, [['a1', 'a2']]);
  assert.deepEqual(resolved, ['0', '1']);
});

test('a rebalance after a run (the heartbeat fails) ends the batch with that error, no run starts after it', async () => {
  const records = batch('a', 'a', 'a', 'a');
  const runs: string[][] = [];
  const { ctl, resolved } = control();
  ctl.heartbeat = async () => {
    throw new Error('REBALANCE_IN_PROGRESS');
  };
  await assert.rejects(consumeInRoomLanes(records, runsOf(runs), ctl, { maxRun: 2 }), /REBALANCE_IN_PROGRESS/);
  assert.deepEqual(runs, [['a1', 'a2']]);
  assert.deepEqual(resolved, ['0', '1'], 'what was handled is resolved; the next owner resumes after it');
});
