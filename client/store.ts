/**
 * What the discovery runtime remembers between runs, injected so the same core runs in Node
 * (files, client/node.ts) and in the browser (localStorage). Browser-safe.
 */
import { type LocalEntry } from './merge.js';

export interface DiscoveryStore {
  /**
   * machine_ids this device has already seen (and announced), each with the newest record ts
   * seen for it (SPEC §7); a store that keeps ids only returns 0 as the ts.
   */
  loadSeen(): Map<string, number>;
  /** Persists the seen map (atomically, where the medium allows). */
  saveSeen(seen: ReadonlyMap<string, number>): void;
  /**
   * Where several processes share the store (a home's seen.json): merges `seen` into what is
   * stored now (union of ids, newest ts wins) under a lock, and returns the ids nobody had stored
   * before — only those may be announced, so two clients racing never both say "new device".
   * Stores without it fall back to loadSeen at start and saveSeen.
   */
  mergeSeen?(seen: ReadonlyMap<string, number>): ReadonlySet<string>;
  /** Machines added by hand (machines.json); they win over registry entries by machine_id. */
  loadLocal(): readonly LocalEntry[];
}

/** A store in memory only (tests, a page without storage). */
export function memoryStore(init: { seen?: Record<string, number>; local?: readonly LocalEntry[] } = {}): DiscoveryStore & { seen: Map<string, number> } {
  const seen = new Map(Object.entries(init.seen ?? {}));
  return {
    seen,
    loadSeen: () => new Map(seen),
    saveSeen: (s) => {
      seen.clear();
      for (const [k, v] of s) seen.set(k, v);
    },
    loadLocal: () => init.local ?? [],
  };
}

/** The subset of the Web Storage API we use (window.localStorage). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The browser store: a JSON array of seen machine_ids under `key` in localStorage — ids only
 * (no names, no ts), so the page's storage reveals nothing the relay does not already know.
 * Newest ts per machine_id is then kept for the page's lifetime only. No local machines.
 */
export function browserStore(storage: StorageLike, key = 'mir.seen.v1'): DiscoveryStore {
  return {
    loadSeen() {
      const seen = new Map<string, number>();
      try {
        const ids: unknown = JSON.parse(storage.getItem(key) ?? '[]');
        if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string' && MACHINE_ID.test(id)) seen.set(id, 0);
      } catch {
        // A corrupt entry only means "announce again"; never block the list on it.
      }
      return seen;
    },
    saveSeen(seen) {
      try {
        storage.setItem(key, JSON.stringify([...seen.keys()]));
      } catch {
        // Quota or private mode: notices may repeat next visit, the list still works.
      }
    },
    loadLocal: () => [],
  };
}
