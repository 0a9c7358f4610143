import { useState } from 'preact/hooks';

/**
 * What the admin is typing (and which dialog is open), kept in memory and saved to
 * sessionStorage only when the session expires and the console leaves for the sign-in page:
 * after signing in again, the same dialog opens with the same text. Never holds tokens or keys.
 */

const STORAGE_KEY = 'datagate.drafts';
const drafts = new Map<string, unknown>();

/** Reads (and forgets) the drafts saved before a sign-in round trip. */
export function restoreDrafts(): void {
  const saved = sessionStorage.getItem(STORAGE_KEY);
  sessionStorage.removeItem(STORAGE_KEY);
  if (!saved) return;
  try {
    for (const [key, value] of Object.entries(JSON.parse(saved) as Record<string, unknown>)) drafts.set(key, value);
  } catch {
    // A damaged draft is dropped, not fatal.
  }
}

export function saveDrafts(): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(drafts)));
}

/** Forgets every draft whose key starts with `prefix` (a dialog that closed). */
export function clearDrafts(prefix: string): void {
  for (const key of [...drafts.keys()]) if (key.startsWith(prefix)) drafts.delete(key);
}

/** `useState` whose value survives a sign-in round trip. */
export function useDraft<T>(key: string, initial: T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => (drafts.has(key) ? (drafts.get(key) as T) : initial));
  return [
    value,
    (next: T) => {
      drafts.set(key, next);
      setValue(next);
    },
  ];
}
