import type { Message, MessageUpdate, Reaction, RoomSyncResult } from '@qc/shared';

/*
 * The pure part of the delivery promise, over the room's one ordered stream (DESIGN.md "The
 * room timeline is one ordered stream"). New messages and changes to messages (edits,
 * deletes, reactions) share one seq counter, so the messages on screen no longer have
 * contiguous seqs (an edit took the seq in between); what is contiguous is `lastSeq`, the
 * place in the stream applied so far. Anything that arrives past a hole waits aside until
 * the hole is filled, so people never see a message, or a change, before what came first.
 */

/** One entry of the room's stream: a new message, or a change to one, at its own seq. */
export type StreamItem = { kind: 'message'; seq: number; message: Message } | { kind: 'update'; seq: number; message: Message };

export interface RoomStream {
  /** Ascending by seq, one per message id: what people see. */
  messages: readonly Message[];
  /** Every seq up to here has been applied (a message placed, or a change applied or skipped). */
  lastSeq: number;
  /** Past a hole, ascending, one per seq: kept until a sync fills the hole. */
  held: readonly StreamItem[];
}

export interface StreamMerge extends RoomStream {
  /** Messages placed by this merge, ascending. */
  added: Message[];
  /** There is a hole before `held`: sync from `lastSeq`. */
  gap: boolean;
}

export const EMPTY_STREAM: RoomStream = { messages: [], lastSeq: 0, held: [] };

export function messageItem(message: Message): StreamItem {
  return { kind: 'message', seq: message.seq, message };
}

export function updateItem(update: MessageUpdate): StreamItem {
  return { kind: 'update', seq: update.seq, message: update.message };
}

/** A sync page as stream items; its seqs together are exactly afterSeq+1 … the page's end. */
export function syncItems(page: Pick<RoomSyncResult, 'messages' | 'updates'>): StreamItem[] {
  return [...page.messages.map(messageItem), ...(page.updates ?? []).map(updateItem)];
}

/** The seq of the newest change a message's state reflects (its own seq if never changed). */
export function versionOf(message: Message): number {
  return message.version ?? message.seq;
}

/**
 * Puts a message's newer state in place of the one held. An older or equal state (a
 * late ack, a replayed update) changes nothing, so a message never rolls back; a message
 * not on screen is ignored (the history page that brings it carries its current state).
 */
export function applyMessageState(messages: readonly Message[], next: Message): readonly Message[] {
  // Recent messages are the ones changed most: search from the end.
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    const held = messages[i]!;
    if (held.id !== next.id) continue;
    if (versionOf(next) <= versionOf(held)) return messages;
    const copy = messages.slice();
    copy[i] = next;
    return copy;
  }
  return messages;
}

/** The stream position a history page reflects: its newest message, or newest change. */
export function pagePosition(messages: readonly Message[]): number {
  let position = 0;
  for (const m of messages) position = Math.max(position, m.seq, versionOf(m));
  return position;
}

/**
 * Applies what continues the stream after `lastSeq`, in seq order; drops what it already
 * has; keeps the rest aside. Changes to messages at or before `lastSeq` are still applied
 * to the state (by version, so only if newer), since they can never roll anything back.
 */
export function mergeStream(stream: RoomStream, incoming: Iterable<StreamItem>): StreamMerge {
  const bySeq = new Map<number, StreamItem>();
  for (const item of stream.held) bySeq.set(item.seq, item);
  for (const item of incoming) if (!bySeq.has(item.seq)) bySeq.set(item.seq, item);
  const candidates = [...bySeq.values()].sort((a, b) => a.seq - b.seq);

  let messages = stream.messages;
  let lastSeq = stream.lastSeq;
  const added: Message[] = [];
  const held: StreamItem[] = [];
  const known = new Set(messages.map((m) => m.id));

  for (const item of candidates) {
    if (item.seq > lastSeq + 1) {
      held.push(item);
      continue;
    }
    if (item.kind === 'update' || known.has(item.message.id)) {
      messages = applyMessageState(messages, item.message);
    } else if (item.seq === lastSeq + 1) {
      messages = [...messages, item.message];
      known.add(item.message.id);
      added.push(item.message);
    }
    // A message at or before lastSeq that is not on screen is older than what was loaded.
    if (item.seq === lastSeq + 1) lastSeq = item.seq;
  }
  return { messages, lastSeq, held, added, gap: held.length > 0 };
}

/** Puts an older history page in front, keeping only what is strictly older. */
export function prependOlder(messages: readonly Message[], older: readonly Message[]): readonly Message[] {
  const first = messages.length ? messages[0]!.seq : Number.POSITIVE_INFINITY;
  const bySeq = new Map<number, Message>();
  for (const m of older) if (m.seq < first) bySeq.set(m.seq, m);
  if (bySeq.size === 0) return messages;
  // The page answers `before=<first>`, so the seqs between it and the run were changes, not messages.
  return [...[...bySeq.values()].sort((a, b) => a.seq - b.seq), ...messages];
}

/** Puts a newer history page after, keeping only what is strictly newer (pages that overlap add nothing twice). */
export function appendNewer(messages: readonly Message[], newer: readonly Message[]): readonly Message[] {
  const last = messages.length ? messages[messages.length - 1]!.seq : 0;
  const bySeq = new Map<number, Message>();
  for (const m of newer) if (m.seq > last) bySeq.set(m.seq, m);
  if (bySeq.size === 0) return messages;
  return [...messages, ...[...bySeq.values()].sort((a, b) => a.seq - b.seq)];
}

/**
 * Whether I am among those who reacted. `userIds` lists only the first few people, so the
 * server's per-reader `me` flag wins when it is there.
 */
export function hasReacted(reaction: Reaction, meId: string): boolean {
  return reaction.me ?? reaction.userIds.includes(meId);
}
