import { readJson, writeJson, type KeyValueStorage } from '../stores/storage';
import type { PickedMention } from './mention-text';

/*
 * Which person each "@Name" in an unsent draft stands for, kept beside the draft (the draft
 * store holds the text as typed). Without it a draft restored after a reload or a room switch
 * still reads "@Ann" but would go out as plain text, mentioning no one.
 */

export function draftMentionsStorageKey(userId: string): string {
  return `qc:draft-mentions:${userId}`;
}

function isPicked(value: unknown): value is PickedMention {
  if (typeof value !== 'object' || value === null) return false;
  const { label, userId } = value as Record<string, unknown>;
  return typeof label === 'string' && label.length > 0 && typeof userId === 'string' && userId.length > 0;
}

function readAll(storage: KeyValueStorage | null, userId: string): Record<string, PickedMention[]> {
  const value = readJson(storage, draftMentionsStorageKey(userId));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  const all: Record<string, PickedMention[]> = {};
  for (const [key, list] of Object.entries(value)) {
    if (!Array.isArray(list)) continue;
    const picked = list.filter(isPicked).map(({ label, userId: id }) => ({ label, userId: id }));
    if (picked.length > 0) all[key] = picked;
  }
  return all;
}

/** The people picked in the draft under `draftKey` (a room, or a thread in it). */
export function loadDraftMentions(storage: KeyValueStorage | null, userId: string, draftKey: string): PickedMention[] {
  return readAll(storage, userId)[draftKey] ?? [];
}

/** Keeps `picked` for the draft under `draftKey`; an empty list (sent, or nobody picked) removes it. */
export function saveDraftMentions(storage: KeyValueStorage | null, userId: string, draftKey: string, picked: readonly PickedMention[]): void {
  const all = readAll(storage, userId);
  if (picked.length > 0) all[draftKey] = picked.map(({ label, userId: id }) => ({ label, userId: id }));
  else if (draftKey in all) delete all[draftKey];
  else return;
  writeJson(storage, draftMentionsStorageKey(userId), Object.keys(all).length > 0 ? all : undefined);
}
