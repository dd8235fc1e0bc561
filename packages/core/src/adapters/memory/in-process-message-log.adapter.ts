import { recordRoomId, type LogConsumer, type LogConsumerState, type LogRecord, type MessageLog } from '../../ports/message-log.port';

/**
 * The embedded profile's log: `publish` runs every consumer inline and resolves when all
 * have run, like twenty's sync queue driver. Order per room follows from the caller
 * publishing in seq order. A failing consumer is reported and does not stop the others:
 * the message is already durable and clients heal by `room:sync`.
 */
export class InProcessMessageLog implements MessageLog {
  private readonly consumers: { name: string; handler: LogConsumer }[] = [];
  /** Publishing runs the consumers inline: nothing can be committed yet unpublished. */
  readonly republishOnRetry = false;

  /** `record`: the one that failed, or the first of the run a run handler failed on. */
  constructor(private readonly onConsumerError: (consumer: string, err: unknown, record: LogRecord) => void) {}

  subscribe(consumer: string, handler: LogConsumer): void {
    if (this.consumers.some((c) => c.name === consumer)) throw new Error(`consumer "${consumer}" is already subscribed`);
    this.consumers.push({ name: consumer, handler });
  }

  async publish(record: LogRecord): Promise<void> {
    await this.publishAll([record]);
  }

  /**
   * Consumer after consumer, each given every record in order: a record handler one at a
   * time, a run handler each room's run at once (a group commit is one room's, so fan-out
   * emits it with one flush).
   */
  async publishAll(records: LogRecord[]): Promise<void> {
    for (const { name, handler } of this.consumers) {
      const runs = typeof handler === 'function' ? records.map((r) => [r]) : roomRuns(records);
      for (const run of runs) {
        try {
          if (typeof handler === 'function') await handler(run[0]!);
          else await handler.run(run);
        } catch (err) {
          this.onConsumerError(name, err, run[0]!);
        }
      }
    }
  }

  async start(): Promise<void> {}

  /** A consumer here is this process's own, and has handled every record once publish returned. */
  async describeConsumers(consumers: readonly string[]): Promise<LogConsumerState[]> {
    return consumers.map((consumer) =>
      this.consumers.some((c) => c.name === consumer) ? { consumer, members: 1, lag: 0 } : { consumer, members: 0, lag: null },
    );
  }

  async close(): Promise<void> {
    this.consumers.length = 0;
  }
}

/** The records split where the room changes: each piece one room's, in the given order. */
function roomRuns(records: LogRecord[]): LogRecord[][] {
  const runs: LogRecord[][] = [];
  let roomId: string | null = null;
  for (const r of records) {
    if (recordRoomId(r) === roomId) runs.at(-1)!.push(r);
    else {
      runs.push([r]);
      roomId = recordRoomId(r);
    }
  }
  return runs;
}
