/**
 * Runs tasks one after another per key, different keys in parallel. The message service
 * uses it per room so that the order messages are committed in is the order they are
 * published in: two sends racing in one room can never be emitted 6-then-5.
 */
export class KeyedSerialQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  private queued = 0;

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    this.queued++;
    const result = prev.then(task, task);
    const tail = result.then(
      () => void this.queued--,
      () => void this.queued--,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  get size(): number {
    return this.tails.size;
  }

  /** Tasks waiting or running, over every key (a gauge of how far behind the queues are). */
  get pending(): number {
    return this.queued;
  }
}
