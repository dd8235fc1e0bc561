import type { Message } from '@qc/shared';
import { versionOf } from './room-stream';

/*
 * The room's pinned messages as they are now: the list GET …/pins gave when the panel opened,
 * corrected by what the stream brought since (a pin, an unpin, an edit, a delete), so the
 * list does not need fetching again on every change.
 */

/** Newer state wins, by the seq of the change each state reflects. */
function newer(a: Message, b: Message | undefined): Message {
  return b && versionOf(b) > versionOf(a) ? b : a;
}

/** Pinned and not deleted, the most recently pinned first. */
export function livePins(fetched: readonly Message[], loaded: readonly Message[]): Message[] {
  const byId = new Map<string, Message>();
  for (const m of fetched) byId.set(m.id, m);
  for (const m of loaded) {
    const held = byId.get(m.id);
    if (held) byId.set(m.id, newer(held, m));
    else if (m.pinnedAt) byId.set(m.id, m);
  }
  return [...byId.values()].filter((m) => m.pinnedAt && !m.deletedAt).sort((a, b) => (b.pinnedAt ?? '').localeCompare(a.pinnedAt ?? ''));
}
