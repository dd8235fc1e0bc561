/**
 * Sends through one producer with one request in flight (the idempotent producer keeps
 * order only that way), and puts every record that arrives while a request is out into the
 * next one. Concurrent sends from many rooms then share round trips instead of queueing
 * one request each behind the others; a lone send goes out at once, with no wait to fill
 * a batch. Records leave in the order `publish` was called, and each caller learns the
 * outcome of the request that carried its record.
 */
export class CoalescingPublisher<M> {
  private queue: { message: M; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly sendBatch: (messages: M[]) => Promise<void>,
    private readonly maxBatch = 500,
  ) {}

  publish(message: M): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // Publishes made in the same tick as this one (a burst) leave together.
        queueMicrotask(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.sendBatch(batch.map((b) => b.message));
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.draining = false;
  }
}
