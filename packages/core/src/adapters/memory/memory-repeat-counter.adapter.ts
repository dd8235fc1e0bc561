import type { RepeatCounter } from '../../ports/repeat-counter.port';

/**
 * Repeat counts in this process's memory: per key, each place's last time. Bounded: past
 * `maxKeys` the key noted least recently is dropped (a forgotten repeat only lets one more
 * copy through), and a key's places older than its window go at each note.
 */
export class MemoryRepeatCounter implements RepeatCounter {
  private readonly seen = new Map<string, Map<string, number>>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async note(key: string, place: string, windowMs: number): Promise<number> {
    const t = this.now();
    const places = this.seen.get(key) ?? new Map<string, number>();
    // Re-inserted on every note, so the Map's order is least recently noted first.
    this.seen.delete(key);
    for (const [p, at] of places) if (at <= t - windowMs) places.delete(p);
    places.set(place, t);
    this.seen.set(key, places);
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value!);
    return places.size;
  }
}
