import type { LogRecord, LogRunHandler } from '../ports/message-log.port';

export interface BackgroundRunsOptions {
  /** Records waiting at most; past it a run is dropped (and reported) rather than memory growing without end. */
  maxQueued: number;
  onError(err: unknown, first: LogRecord): void;
  onDropped(count: number): void;
}

/**
 * Runs a log handler off the caller's path: `run` queues the room's run and returns at once,
 * and one loop works through the queue in order. For the in-process log, whose consumers run
 * inline in the send's commit: a push needs lookups and calls to push services that must not
 * hold a room's queue. Best effort, as the in-process log is: what is queued at a crash is
 * lost (nobody is told of it by push; the messages themselves are durable and caught up).
 */
export function inBackground(handler: LogRunHandler, opts: BackgroundRunsOptions): LogRunHandler & { idle(): Promise<void> } {
  const queue: LogRecord[][] = [];
  let queued = 0;
  let draining: Promise<void> | null = null;
  const drain = async () => {
    while (queue.length) {
      const run = queue.shift()!;
      queued -= run.length;
      try {
        await handler.run(run);
      } catch (err) {
        opts.onError(err, run[0]!);
      }
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
