import type { LogConsumerState, LogHandler, LogRecord, MessageLog } from '../../ports/message-log.port';

/**
 * The embedded profile's log: `publish` runs every consumer inline and resolves when all
 * have run, like twenty's sync queue driver. Order per room follows from the caller
 * publishing in seq order. A failing consumer is reported and does not stop the others:
 * the message is already durable and clients heal by `room:sync`.
 */
export class InProcessMessageLog implements MessageLog {
  private readonly consumers: { name: string; handler: LogHandler }[] = [];
  /** Publishing runs the consumers inline: nothing can be committed yet unpublished. */
  readonly republishOnRetry = false;

  constructor(private readonly onConsumerError: (consumer: string, err: unknown, record: LogRecord) => void) {}

  subscribe(consumer: string, handler: LogHandler): void {
    if (this.consumers.some((c) => c.name === consumer)) throw new Error(`consumer "${consumer}" is already subscribed`);
    this.consumers.push({ name: consumer, handler });
  }

  async publish(record: LogRecord): Promise<void> {
    for (const c of this.consumers) {
      try {
        await c.handler(record);
      } catch (err) {
        this.onConsumerError(c.name, err, record);
      }
    }
  }

  /** One after another: each record's consumers have run before the next one's start. */
  async publishAll(records: LogRecord[]): Promise<void> {
    for (const record of records) await this.publish(record);
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
