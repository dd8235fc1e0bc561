/*
 * The little the chat keeps on this device between page loads (drafts, unsent messages),
 * per person. localStorage may be missing, blocked (some private modes throw on access) or
 * full: keeping these is a convenience, so every failure here only means "not kept".
 */

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function browserStorage(): KeyValueStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

/** The parsed value under `key`, or undefined when there is none or it is not JSON. */
export function readJson(storage: KeyValueStorage | null, key: string): unknown {
  try {
    const raw = storage?.getItem(key);
    return raw == null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

/** Writes `value` as JSON, or removes the key when `value` is undefined. */
export function writeJson(storage: KeyValueStorage | null, key: string, value: unknown): void {
  try {
    if (value === undefined) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or blocked: the draft or the unsent message lives on in memory for this page load.
  }
}
