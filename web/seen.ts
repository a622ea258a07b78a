/**
 * The page's "seen" set (issue #7, SPEC §4 notify): machine_ids already announced on this browser,
 * kept in localStorage so the "new device joined" notice shows once per machine_id ever. It holds
 * machine_ids only — no names, no wallet, nothing a reader of this browser's storage could use.
 */

/** The localStorage key. */
export const SEEN_KEY = 'mir.seen.v1';
/** Oldest ids are dropped beyond this many, so storage stays small. */
export const MAX_SEEN = 2000;
const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The part of the Web Storage API we use; a Map-backed fake fits in tests. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

/** Reads the seen set; a missing, corrupt or foreign value reads as empty (never throws). */
export function loadSeen(storage: KeyValueStorage | undefined): Set<string> {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(SEEN_KEY) ?? null;
  } catch {
    return new Set(); // storage disabled (privacy mode): notices then show once per page load
  }
  if (raw === null) return new Set();
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return new Set();
    return new Set(parsed.filter((id): id is string => typeof id === 'string' && MACHINE_ID.test(id)));
  } catch {
    return new Set();
  }
}

/** Writes the seen set (bounded, machine_ids only); storage errors are ignored. */
export function saveSeen(storage: KeyValueStorage | undefined, seen: Iterable<string>): void {
  const ids = [...seen].filter((id) => MACHINE_ID.test(id)).slice(-MAX_SEEN);
  try {
    storage?.setItem(SEEN_KEY, JSON.stringify(ids));
  } catch {
    // Quota or disabled storage: the notice may repeat on the next visit, nothing worse.
  }
}
