/*
 * Which room this device shows, as the server knows it (`room:open`). In a large room the
 * server pushes messages only to sockets that have it open (hybrid fan-out); elsewhere a
 * coalesced `room:activity` says there is more. So the server is told on every switch, and
 * again on each new connection (a new socket has no room open); one request at a time, the
 * latest wish winning. The answer's `pull` says the room was not pushed here while it was not
 * open: the caller catches it up by room:sync, which the ack's order makes safe (from the ack
 * on, its messages come live).
 */

export interface OpenRoomAnswer {
  pull: boolean;
}

export class OpenRoomReporter {
  /** The room on screen. */
  private wanted: string | null = null;
  /** What this connection's server side has open; undefined: unknown (new connection, or a request failed). */
  private told: string | null | undefined = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Callers of `set` waiting for their room's answer. */
  private readonly waiting = new Map<string, ((pull: boolean) => void)[]>();

  constructor(
    /** Sends room:open; rejects when offline or refused. */
    private readonly tell: (roomId: string | null) => Promise<OpenRoomAnswer>,
  ) {}

  /**
   * The person switched to `roomId` (null: none). Resolves with whether it must be caught up
   * by room:sync (a large room), once the server has it open; false if it never was (offline,
   * refused, or switched away first): then the next connection's catch-up covers it.
   */
  set(roomId: string | null): Promise<boolean> {
    this.wanted = roomId;
    const answer = roomId
      ? new Promise<boolean>((resolve) => this.waiting.set(roomId, [...(this.waiting.get(roomId) ?? []), resolve]))
      : Promise.resolve(false);
    void this.run();
    return answer;
  }

  /** A new connection: nothing is open on its socket yet. Resolves once the room on screen is (or could not be). */
  reconnected(): Promise<void> {
    this.told = undefined;
    return this.run();
  }

  /** Connection lost: what the server had open went with it. */
  disconnected(): void {
    this.told = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.answerAll(false);
  }

  private run(): Promise<void> {
    if (this.running) {
      // Asked while a round ends (a reconnect just after a failure): one more round after it.
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.loop();
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped && this.told !== this.wanted) {
      const target = this.wanted;
      // With nothing open on a fresh connection, there is nothing to close.
      if (target === null && this.told === undefined) {
        this.told = null;
        break;
      }
      try {
        const { pull } = await this.tell(target);
        this.told = target;
        if (target !== null && target === this.wanted) this.answer(target, pull);
      } catch {
        // Offline or refused: the next connection tells it again.
        this.told = undefined;
        break;
      }
    }
    // Whoever asked for a room that is no longer wanted, or could not be opened, catches up some other way.
    for (const roomId of [...this.waiting.keys()]) if (roomId !== this.wanted || this.told !== roomId) this.answer(roomId, false);
  }

  private answer(roomId: string, pull: boolean) {
    const list = this.waiting.get(roomId) ?? [];
    this.waiting.delete(roomId);
    for (const resolve of list) resolve(pull);
  }

  private answerAll(pull: boolean) {
    for (const roomId of [...this.waiting.keys()]) this.answer(roomId, pull);
  }
}
