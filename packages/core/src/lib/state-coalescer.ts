interface Entry<S> {
  told: S;
  at: number;
  pending: S | undefined;
  timer: NodeJS.Timeout;
}

/**
 * Per key (a person in a room, a person), the latest of a state that changes often, told
 * at most once per `gapMs`: a state is told at once when nothing was told for the key in
 * the last gap, else it waits for the gap's end and is told then only if it still differs
 * from what was told. So a flood of changes costs one broadcast per gap, the last state
 * always arrives, and a state equal to the one told is told again only when the caller
 * asks to renew it (typing renewals, for someone who joined since) and the gap is over, or
 * when a renewal follows a different state still waiting (a bounce the receivers may have
 * acted on by themselves).
 * Keys are forgotten a gap after their last telling, so memory follows the active keys.
 */
export class StateCoalescer<S> {
  private readonly entries = new Map<string, Entry<S>>();

  constructor(
    private readonly gapMs: number,
    private readonly tell: (key: string, state: S) => void | Promise<void>,
    private readonly same: (a: S, b: S) => boolean,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Offers the key's state now; resolves once it is told, if it is told at once. */
  async offer(key: string, state: S, opts: { renew?: boolean } = {}): Promise<void> {
    const e = this.entries.get(key);
    if (!e) return this.tellNow(key, state);
    const changed = !this.same(e.told, state);
    if (Date.now() - e.at >= this.gapMs && (changed || opts.renew)) return this.tellNow(key, state);
    // Within the gap the latest state to tell waits for its end. Back to the state told, nothing
    // needs telling: unless it is a renewal bouncing back (typing: told "typing", then "stopped"
    // by a send, then typing again). The receivers drop an indicator by themselves when the
    // message lands or their TTL runs out, so the new start must be told, or they never see it
    // (the web client sends one start per 2 s of keystrokes: a short reply had no other).
    if (changed || (opts.renew && e.pending !== undefined)) e.pending = state;
    else e.pending = undefined;
  }

  /**
   * Whether `state` is what was told for the key less than `withinMs` (at most a gap) ago,
   * with nothing waiting: a renewal that can be skipped altogether.
   */
  settled(key: string, state: S, withinMs = this.gapMs): boolean {
    const e = this.entries.get(key);
    return !!e && e.pending === undefined && this.same(e.told, state) && Date.now() - e.at < Math.min(withinMs, this.gapMs);
  }

  close() {
    for (const e of this.entries.values()) clearTimeout(e.timer);
    this.entries.clear();
  }

  private tellNow(key: string, state: S): Promise<void> {
    const old = this.entries.get(key);
    if (old) clearTimeout(old.timer);
    const timer = setTimeout(() => this.gapEnded(key), this.gapMs);
    timer.unref();
    this.entries.set(key, { told: state, at: Date.now(), pending: undefined, timer });
    return Promise.resolve()
      .then(() => this.tell(key, state))
      .catch(this.onError);
  }

  private gapEnded(key: string) {
    const e = this.entries.get(key);
    if (!e) return;
    if (e.pending !== undefined) void this.tellNow(key, e.pending);
    else this.entries.delete(key);
  }
}
