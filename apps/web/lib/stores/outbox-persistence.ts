import type { Outbox, PendingMessage } from './outbox-store';
import { readJson, writeJson, type KeyValueStorage } from './storage';

/*
 * The outbox kept across page loads, per person, so a message written while the server was
 * out of reach is still sent after a reload. Each entry keeps the clientMsgId it was given
 * when written, and only that id is ever sent for it: a message whose ack was lost before
 * the reload is answered with the stored one, never stored twice.
 *
 * Two tabs of one person share the key. Each writes only what it changed (by clientMsgId) on
 * top of what is there, so one tab never drops the other's unsent messages; a message both
 * hold is sent by both under its one id and stored once.
 */

export function outboxStorageKey(userId: string): string {
  return `qc:outbox:${userId}`;
}

function isPendingMessage(value: unknown): value is PendingMessage {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const optionalString = (x: unknown) => x === undefined || typeof x === 'string';
  const error = v.error;
  return (
    typeof v.clientMsgId === 'string' &&
    typeof v.roomId === 'string' &&
    typeof v.content === 'string' &&
    typeof v.createdAt === 'string' &&
    (v.status === 'pending' || v.status === 'failed') &&
    optionalString(v.threadRootId) &&
    optionalString(v.replyTo) &&
    (v.attachments === undefined || (Array.isArray(v.attachments) && v.attachments.every((a) => typeof a === 'object' && a !== null && typeof (a as Record<string, unknown>).id === 'string'))) &&
    (error === null ||
      (typeof error === 'object' &&
        error !== null &&
        typeof (error as Record<string, unknown>).code === 'string' &&
        typeof (error as Record<string, unknown>).message === 'string'))
  );
}

/** The stored entries in the order they were written; anything malformed is left out. */
function readEntries(storage: KeyValueStorage | null, key: string): PendingMessage[] {
  const value = readJson(storage, key);
  return Array.isArray(value) ? value.filter(isPendingMessage) : [];
}

/** What earlier page loads left unsent, grouped by room, each room in the order written. */
export function loadOutbox(storage: KeyValueStorage | null, userId: string): Outbox {
  const byRoom: Record<string, PendingMessage[]> = {};
  const seen = new Set<string>();
  for (const entry of readEntries(storage, outboxStorageKey(userId))) {
    if (seen.has(entry.clientMsgId)) continue;
    seen.add(entry.clientMsgId);
    (byRoom[entry.roomId] ??= []).push(entry);
  }
  return byRoom;
}

/** Writes this tab's outbox changes through to storage (call on every change of the store). */
export class OutboxSaver {
  private readonly key: string;
  /** Per clientMsgId, the entry as this tab last wrote (or loaded) it. */
  private saved = new Map<string, string>();

  constructor(
    private readonly storage: KeyValueStorage | null,
    userId: string,
    loaded: Outbox = {},
  ) {
    this.key = outboxStorageKey(userId);
    this.saved = snapshot(loaded);
  }

  save(outbox: Outbox): void {
    const now = snapshot(outbox);
    const changed = [...now].filter(([id, json]) => this.saved.get(id) !== json);
    const removed = [...this.saved.keys()].filter((id) => !now.has(id));
    if (changed.length === 0 && removed.length === 0) return;
    const gone = new Set(removed);
    const changes = new Map(changed);
    const entries = readEntries(this.storage, this.key)
      .filter((e) => !gone.has(e.clientMsgId))
      .map((e) => {
        const json = changes.get(e.clientMsgId);
        if (json === undefined) return e;
        changes.delete(e.clientMsgId);
        return JSON.parse(json) as PendingMessage;
      });
    for (const json of changes.values()) entries.push(JSON.parse(json) as PendingMessage);
    writeJson(this.storage, this.key, entries.length ? entries : undefined);
    this.saved = now;
  }

  /** Signing out on purpose: nothing unsent stays behind on this device. */
  clear(): void {
    writeJson(this.storage, this.key, undefined);
    this.saved = new Map();
  }
}

function snapshot(outbox: Outbox): Map<string, string> {
  const map = new Map<string, string>();
  for (const list of Object.values(outbox)) for (const p of list) map.set(p.clientMsgId, JSON.stringify(p));
  return map;
}
