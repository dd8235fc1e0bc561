import { recordRoomId, type LogRecord, type LogRunHandler } from '../ports/message-log.port';

export interface BackgroundRunsOptions {
  /** Records waiting at most; past it a run is dropped (and reported) rather than memory growing without end. */
  maxQueued: number;
  /** Rooms handled at once (a room's records stay in order, one run at a time). */
  concurrency: number;
  onError(err: unknown, first: LogRecord): void;
  onDropped(count: number): void;
}

/**
 * Runs a log handler off the caller's path: `run` queues the room's run and returns at once.
 * For the in-process log, whose consumers run inline in the send's commit: a push needs
 * lookups and calls to push services that must not hold a room's queue.
 *
 * Each turn takes everything queued, joins each room's runs into one (in order: the room's
 * members are then read once for all of them), and hands up to `concurrency` rooms to the
 * handler at once. Best effort, as the in-process log is: what is queued at a crash is lost
 * (nobody is told of it by push; the messages themselves are durable and caught up).
 */
export function inBackground(handler: LogRunHandler, opts: BackgroundRunsOptions): LogRunHandler & { idle(): Promise<void> } {
  let queue: LogRecord[][] = [];
  let queued = 0;
  let draining: Promise<void> | null = null;
  const runRoom = async (run: LogRecord[]) => {
    try {
      await handler.run(run);
    } catch (err) {
      opts.onError(err, run[0]!);
    }
  };
  const drain = async () => {
    while (queue.length) {
      const byRoom = new Map<string, LogRecord[]>();
      for (const run of queue) {
        const room = recordRoomId(run[0]!);
        byRoom.set(room, [...(byRoom.get(room) ?? []), ...run]);
      }
      queue = [];
      queued = 0;
      const rooms = [...byRoom.values()];
      let next = 0;
      const lane = async () => {
        while (next < rooms.length) await runRoom(rooms[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(opts.concurrency, rooms.length) }, lane));
    }
    draining = null;
  };
  return {
    async run(records) {
      if (records.length === 0) return;
      if (queued + records.length > opts.maxQueued) {
        opts.onDropped(records.length);
        return;
      }
      queue.push(records);
      queued += records.length;
      draining ??= drain();
    },
    /** Resolves once everything queued so far has run (tests, and a graceful stop). */
    async idle() {
      while (draining) await draining;
    },
  };
}
