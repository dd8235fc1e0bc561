/*
 * The one thing every store shares: a state replaced (never mutated) on each change, and
 * listeners told about it. React reads it with useSyncExternalStore, so a slice keeps its
 * identity until it changes and memoised parts re-render only then.
 */

export type Listener = () => void;

export class Observable<S> {
  private readonly listeners = new Set<Listener>();

  constructor(private state: S) {}

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getState = (): S => this.state;

  protected setState(next: S): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of this.listeners) listener();
  }

  protected update(fn: (state: S) => S): void {
    this.setState(fn(this.state));
  }

  /** Ends the store's life: nothing is told about it any more. */
  protected clearListeners(): void {
    this.listeners.clear();
  }
}

/** A cancellable timer, injected so specs can drive time by hand. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export const realSchedule: Schedule = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};
