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
 * One partition's batch, with a lane per record key (a room id): a lane's records run one
 * after another in offset order, lanes run side by side (at most `maxLanes` at once). A
 * partition holds many rooms, so handling it one record at a time made every room wait for
 * the slowest or busiest one in its partition; this keeps each room's order and nothing
 * more.
 *
 * An offset is resolved only once it and every offset before it in the batch were handled,
 * so a commit never skips a record that was not. When a record fails, its lane stops (the
 * room's later records must not overtake it), the other lanes finish, and the error is
 * thrown once the handled prefix is resolved: kafkajs fetches again from the failed record.
 * The other rooms' records after it come again too; `handledAhead` (one Set per partition,
 * kept by the caller) remembers those this process handled, so the retry passes over them
 * instead of handling them twice. Only a crash or a rebalance redelivers a handled record,
 * and handlers are idempotent for that.
 */
export async function consumeInRoomLanes<R extends LaneRecord>(
  records: readonly R[],
  handle: (record: R) => Promise<void>,
  ctl: LaneControl,
  { maxLanes = 16, handledAhead = new Set<string>() }: { maxLanes?: number; handledAhead?: Set<string> } = {},
): Promise<void> {
  const lanes = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = r.key?.toString() ?? '';
    const lane = lanes.get(key);
    if (lane) lane.push(i);
    else lanes.set(key, [i]);
  });

  const done = new Array<boolean>(records.length).fill(false);
  let resolvedUpTo = 0; // records[0 .. resolvedUpTo) are handled and resolved
  let failure: { index: number; error: unknown } | null = null; // the first failed record
  let abort: { error: unknown } | null = null; // the group is rebalancing: every lane stops
  const stopped = () => abort !== null || !ctl.isRunning() || ctl.isStale();

  const runLane = async (indexes: number[]) => {
    for (const i of indexes) {
      if (stopped()) return;
      try {
        if (!handledAhead.has(records[i]!.offset)) await handle(records[i]!);
      } catch (error) {
        if (!failure || i < failure.index) failure = { index: i, error };
        return;
      }
      done[i] = true;
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
