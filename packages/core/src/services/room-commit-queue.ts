import { AppError } from '../errors';
import type { RoomSequencer, SequencerScope } from '../ports/room-sequencer.port';

export interface RoomCommitQueueLimits {
  /** Most sends a batch commits together. */
  maxBatch: number;
  /** Most entries (sends and changes) waiting for one room; past it OVERLOADED. */
  perRoom: number;
  /** Most entries waiting over every room of this process; past it OVERLOADED. */
  total: number;
  /**
   * A room whose oldest waiting entry has waited this long takes no more, and an entry that
   * has waited this long when its turn comes is not run: both OVERLOADED.
   */
  maxWaitMs: number;
  /** What an OVERLOADED refusal tells the client to wait before it tries again. */
  retryAfterMs: number;
}

export const DEFAULT_COMMIT_QUEUE_LIMITS: RoomCommitQueueLimits = {
  maxBatch: 256,
  perRoom: 1_000,
  total: 20_000,
  maxWaitMs: 500,
  retryAfterMs: 500,
};

/** Commits a batch of one room's items inside the room's sequencer; one result per item, in order. */
export type BatchCommit<I, O> = (roomId: string, items: I[], scope: SequencerScope | undefined) => Promise<O[]>;

type Entry<I, O> =
  | { kind: 'item'; item: I; at: number; resolve: (o: O) => void; reject: (e: unknown) => void }
  | {
      kind: 'task';
      task: (scope: SequencerScope | undefined) => Promise<unknown>;
      at: number;
      resolve: (o: unknown) => void;
      reject: (e: unknown) => void;
    };

/**
 * The hot path's one queue per room (DESIGN.md "The hot path"). Everything that takes a
 * room's next seq goes through it in arrival order: sends, which are committed in groups
 * (every send that arrived while the room's previous commit was in flight goes into the
 * next one, so durability costs one commit per batch, not per message), and changes to
 * messages, run one at a time between them. Each commit runs inside the RoomSequencer, so
 * a room's records reach the log in seq order on every node.
 *
 * Every queue is bounded: past a bound an entry is refused at once with OVERLOADED and a
 * retry-after, never left to wait until the client gives up. The bounds are a count per
 * room, a count over the process, and the age of the room's oldest waiting entry (the
 * count alone lets a queue that drains slowly keep people waiting for many seconds).
 * An entry already queued is bounded too: one that has waited maxWaitMs when its turn
 * comes is refused rather than run. Past saturation every room's queue ages at once (the
 * commits of all rooms share the database and the cores), and without this the sends
 * accepted just before the age bound tripped waited a second or more for their answer; now
 * every send is answered within about maxWaitMs and one commit. Refusing it is safe: it
 * was never committed, and its retry (same clientMsgId) is a first attempt.
 */
export class RoomCommitQueue<I, O> {
  private readonly rooms = new Map<string, Entry<I, O>[]>();
  private waiting = 0;
  private refusedCount = 0;

  constructor(
    private readonly sequencer: RoomSequencer,
    private readonly commit: BatchCommit<I, O>,
    private readonly limits: RoomCommitQueueLimits = DEFAULT_COMMIT_QUEUE_LIMITS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** A send: committed with the others waiting for its room. */
  submit(roomId: string, item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => this.enqueue(roomId, { kind: 'item', item, at: this.now(), resolve, reject }));
  }

  /** Work of its own in the room's order (a change to a message, a thread reply), inside the sequencer. */
  run<T>(roomId: string, task: (scope: SequencerScope | undefined) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      this.enqueue(roomId, { kind: 'task', task, at: this.now(), resolve: resolve as (o: unknown) => void, reject }),
    );
  }

  /** Entries waiting or committing, over every room. */
  depth(): number {
    return this.waiting;
  }

  /** Rooms with entries waiting or committing. */
  busyRooms(): number {
    return this.rooms.size;
  }

  /** Entries refused OVERLOADED since start. */
  refused(): number {
    return this.refusedCount;
  }

  private enqueue(roomId: string, entry: Entry<I, O>) {
    const queue = this.rooms.get(roomId);
    const full =
      this.waiting >= this.limits.total ||
      (queue !== undefined && (queue.length >= this.limits.perRoom || entry.at - queue[0]!.at > this.limits.maxWaitMs));
    if (full) {
      this.refusedCount++;
      entry.reject(AppError.overloaded(this.limits.retryAfterMs));
      return;
    }
    this.waiting++;
    if (queue) {
      queue.push(entry);
      return;
    }
    const fresh = [entry];
    this.rooms.set(roomId, fresh);
    void this.drain(roomId, fresh);
  }

  /** Commits the room's entries in order until none is left; the room's entry goes with its last. */
  private async drain(roomId: string, queue: Entry<I, O>[]) {
    while (queue.length > 0) {
      // Entries are in arrival order: the ones waited too long are a prefix.
      let stale = 0;
      const now = this.now();
      while (stale < queue.length && now - queue[stale]!.at > this.limits.maxWaitMs) stale++;
      if (stale > 0) {
        this.refusedCount += stale;
        for (const entry of queue.slice(0, stale)) entry.reject(AppError.overloaded(this.limits.retryAfterMs));
        this.done(queue, stale);
        continue;
      }
      const head = queue[0]!;
      if (head.kind === 'task') {
        try {
          head.resolve(await this.sequencer.run(roomId, head.task));
        } catch (e) {
          head.reject(e);
        }
        this.done(queue, 1);
        continue;
      }
      let n = 1;
      while (n < queue.length && n < this.limits.maxBatch && queue[n]!.kind === 'item') n++;
      const batch = queue.slice(0, n) as Extract<Entry<I, O>, { kind: 'item' }>[];
      try {
        const out = await this.sequencer.run(roomId, (scope) =>
          this.commit(
            roomId,
            batch.map((e) => e.item),
            scope,
          ),
        );
        batch.forEach((e, i) => e.resolve(out[i]!));
      } catch (e) {
        for (const entry of batch) entry.reject(e);
      }
      this.done(queue, n);
    }
    this.rooms.delete(roomId);
  }

  private done(queue: Entry<I, O>[], n: number) {
    queue.splice(0, n);
    this.waiting -= n;
  }
}
