import type { Message } from '@qc/shared';

/*
 * The pure part of the delivery promise. A room's timeline is a run of messages with
 * contiguous seqs (n, n+1, …, highest). Anything that arrives past a hole waits aside until
 * the hole is filled, so people never see a message before the ones that came before it.
 */

/** The highest seq of a contiguous run; 0 for a room with nothing in it yet. */
export function highestSeq(messages: readonly Message[]): number {
  return messages.length === 0 ? 0 : messages[messages.length - 1]!.seq;
}

export interface MergeResult {
  /** The timeline extended by every message that continues it. */
  messages: Message[];
  /** Messages past a hole, ascending, without duplicates: kept until the hole is synced. */
  waiting: Message[];
  /** Messages that joined the timeline in this merge, ascending. */
  added: Message[];
}

/**
 * Appends what continues the run after `messages`; drops what it already has (same seq);
 * keeps the rest aside. `baseSeq` is the seq the run continues from when it is empty
 * (the newest page of an empty room is empty, and the room then starts at seq 1).
 */
export function mergeNewer(messages: readonly Message[], incoming: Iterable<Message>, baseSeq = 0): MergeResult {
  const bySeq = new Map<number, Message>();
  for (const m of incoming) bySeq.set(m.seq, m);
  const candidates = [...bySeq.values()].sort((a, b) => a.seq - b.seq);

  const next = messages.slice();
  const added: Message[] = [];
  const waiting: Message[] = [];
  let highest = messages.length === 0 ? baseSeq : highestSeq(messages);
  for (const m of candidates) {
    if (m.seq <= highest) continue;
    if (m.seq === highest + 1) {
      next.push(m);
      added.push(m);
      highest = m.seq;
    } else {
      waiting.push(m);
    }
  }
  return { messages: added.length ? next : (messages as Message[]), waiting, added };
}

/** Puts an older page in front of the run, keeping only what is strictly older. */
export function prependOlder(messages: readonly Message[], older: readonly Message[]): Message[] {
  const first = messages.length ? messages[0]!.seq : Number.POSITIVE_INFINITY;
  const keep = older.filter((m) => m.seq < first).sort((a, b) => a.seq - b.seq);
  // A page that does not reach down to the run would leave a hole in the middle; keep only
  // the part adjacent to it.
  const contiguous: Message[] = [];
  let expected = first === Number.POSITIVE_INFINITY ? undefined : first - 1;
  for (let i = keep.length - 1; i >= 0; i -= 1) {
    const m = keep[i]!;
    if (expected !== undefined && m.seq !== expected) break;
    contiguous.unshift(m);
    expected = m.seq - 1;
  }
  return contiguous.length ? [...contiguous, ...messages] : (messages as Message[]);
}
