import type { Message, MessageUpdate } from '@qc/shared';
import type { Schedule } from './observable';

/* Builders and a hand-driven clock shared by the store specs. */

export const ROOM = '00000000-0000-4000-8000-000000000001';

export function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `id-${seq}`,
    roomId: ROOM,
    seq,
    senderId: 'someone',
    clientMsgId: `c-${seq}`,
    content: `message ${seq}`,
    contentType: 'text',
    replyTo: null,
    createdAt: new Date(2026, 0, 1, 12, seq).toISOString(),
    ...extra,
  };
}

/** A change at `seq` to the message first stored at `of`, with the given new state. */
export function update(seq: number, of: number, state: Partial<Message> = {}): MessageUpdate {
  return { roomId: ROOM, seq, message: msg(of, { version: seq, ...state }) };
}

export const seqs = (list: readonly Message[]) => list.map((m) => m.seq);

/** Timers that fire only when the spec says time has passed. */
export class ManualClock {
  private now = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  schedule: Schedule = (fn, ms) => {
    const timer = { at: this.now + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  advance(ms: number): void {
    this.now += ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= this.now).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      due.live = false;
      due.fn();
    }
  }
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** localStorage as a page sees it; two stores on one instance are two tabs, a new store on it is a reload. */
export class MemoryStorage {
  readonly items = new Map<string, string>();
  writes = 0;

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.writes += 1;
    this.items.set(key, value);
  }

  removeItem(key: string): void {
    this.writes += 1;
    this.items.delete(key);
  }
}
