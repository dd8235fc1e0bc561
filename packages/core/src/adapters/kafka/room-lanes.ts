/** What `consumeInRoomLanes` needs of a fetched record: kafkajs's KafkaMessage has both. */
export interface LaneRecord {
  key: Buffer | null;
  offset: string;
}

/** The part of kafkajs's eachBatch payload the lanes drive. */
export interface LaneControl {
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  commitOffsetsIfNecessary(): Promise<void>;
  /** False once the consumer stops; true when a seek or rebalance made this batch obsolete. */
  isRunning(): boolean;
  isStale(): boolean;
}

/**
 * How a lane hands its records over: one at a time, or (`run`) up to `maxRun` consecutive
 * records of the room at once, taken as a whole: handled, or failed and all of it to come
 * again.
 */
export type LaneHandler<R> = ((record: R) => Promise<void>) | { run(records: R[]): Promise<void> };

/**
 * One partition's batch, with a lane per record key (a room id): a lane's records run one
 * after another in offset order, lanes run side by side (at most `maxLanes` at once). A
 * partition holds many rooms, so handling it one record at a time made every room wait for
 * the slowest or busiest one in its partition; this keeps each room's order and nothing
 * more. A run handler gets a lane's records in runs of up to `maxRun` (default 256), so a
 * room's backlog costs its handler one call, not one per record.
 *
 * An offset is resolved only once it and every offset before it in the batch were handled,
 * so a commit never skips a record that was not. When a record (or a run) fails, its lane
 * stops (the room's later records must not overtake it), the other lanes finish, and the
 * error is thrown once the handled prefix is resolved: kafkajs fetches again from the
 * failed record (a failed run's first). The other rooms' records after it come again too;
 * `handledAhead` (one Set per partition, kept by the caller) remembers those this process
 * handled, so the retry passes over them instead of handling them twice. Only a crash or a
 * rebalance redelivers a handled record, and handlers are idempotent for that.
 */
export async function consumeInRoomLanes<R extends LaneRecord>(
  records: readonly R[],
  handler: LaneHandler<R>,
  ctl: LaneControl,
  {
    maxLanes = 16,
    maxRun = 256,
    handledAhead = new Set<string>(),
  }: { maxLanes?: number; maxRun?: number; handledAhead?: Set<string> } = {},
): Promise<void> {
  // A record handler is a run handler of runs of one: its progress is kept record by record.
  const [handleRun, runLength] =
    typeof handler === 'function' ? [(run: R[]) => handler(run[0]!), 1] : [(run: R[]) => handler.run(run), Math.max(1, maxRun)];
  const lanes = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = r.key?.toString() ?? '';
    const lane = lanes.get(key);
    if (lane) lane.push(i);
    else lanes.set(key, [i]);
  });

  const done = new Array<boolean>(records.length).fill(false);
  let resolvedUpTo = 0; // records[0 .. resolvedUpTo) are handled and resolved
  let failure: { index: number; error: unknown } | null = null; // the first failed record (a run's first)
  let abort: { error: unknown } | null = null; // the group is rebalancing: every lane stops
  const stopped = () => abort !== null || !ctl.isRunning() || ctl.isStale();

  const runLane = async (indexes: number[]) => {
    for (let at = 0; at < indexes.length;) {
      if (stopped()) return;
      const run = indexes.slice(at, at + runLength);
      at += run.length;
      // What this process handled already (a retry after another lane failed) is not handed over again.
      const todo = run.filter((i) => !handledAhead.has(records[i]!.offset));
      try {
        if (todo.length) await handleRun(todo.map((i) => records[i]!));
      } catch (error) {
        if (!failure || todo[0]! < failure.index) failure = { index: todo[0]!, error };
        return;
      }
      for (const i of run) done[i] = true;
      while (resolvedUpTo < records.length && done[resolvedUpTo]) ctl.resolveOffset(records[resolvedUpTo++]!.offset);
      try {
        await ctl.heartbeat(); // kafkajs sends one at most every heartbeatInterval
        await ctl.commitOffsetsIfNecessary();
      } catch (error) {
        // A rebalance: stop here; kafkajs rejoins and the next owner resumes from the commit.
        abort ??= { error };
        return;
      }
    }
  };

  const queue = [...lanes.values()];
  const workers = Array.from({ length: Math.min(maxLanes, queue.length) }, async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) await runLane(lane);
  });
  await Promise.all(workers);
  records.forEach((r, i) => {
    if (i < resolvedUpTo) handledAhead.delete(r.offset);
    else if (done[i]) handledAhead.add(r.offset); // handled, not resolvable yet: pass over it next time
  });
  // (Set inside the lanes, which TypeScript's narrowing does not follow.)
  const failed = (abort ?? failure) as { error: unknown } | null;
  if (failed) throw failed.error;
}
