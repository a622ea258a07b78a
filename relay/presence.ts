/**
 * The presence seam (issue #3): where live blobs are kept, indexed by wallet so a listing costs
 * O(devices of that wallet) and never a scan of other wallets (SPEC §3 beyond). The in-memory
 * index is the default; a shared soft-state backend can implement the same interface later.
 */

/** One listed device: what `GET /registry` and the watch socket carry (SPEC §3). */
export interface PresenceEntry {
  readonly machine_id: string;
  readonly blob: string;
}

/** A change pushed to a wallet's subscribers. */
export type PresenceChange = { readonly type: 'upsert'; readonly entry: PresenceEntry } | { readonly type: 'remove'; readonly machine_id: string };

export interface Presence {
  /** Store (or replace) a machine's blob under its wallet; subscribers get an upsert. */
  put(wallet: string, machineId: string, blob: string): void;
  /** Remove a machine's entry; subscribers get a remove (only if it was listed). */
  remove(wallet: string, machineId: string): void;
  /** The wallet's entries, sorted by machine_id. */
  list(wallet: string): PresenceEntry[];
  /** `JSON.stringify(list(wallet))`, which a backend may cache (the `GET /registry` body). */
  listJson(wallet: string): string;
  /** Listen to a wallet's changes; returns the unsubscribe function. */
  subscribe(wallet: string, listener: (change: PresenceChange) => void): () => void;
  /** Counts for the stats log line. */
  stats(): { wallets: number; entries: number; subscribers: number };
}

/** The default presence: two maps keyed by wallet, nothing on disk (SPEC: stateless). */
export class MemoryPresence implements Presence {
  private readonly entries = new Map<string, Map<string, string>>();
  private readonly listeners = new Map<string, Set<(change: PresenceChange) => void>>();
  // Listing bodies, built on first read after a change (reads outnumber writes).
  private readonly json = new Map<string, string>();
  private entryCount = 0;
  private listenerCount = 0;

  put(wallet: string, machineId: string, blob: string): void {
    let devices = this.entries.get(wallet);
    if (!devices) this.entries.set(wallet, (devices = new Map()));
    if (!devices.has(machineId)) this.entryCount++;
    devices.set(machineId, blob);
    this.json.delete(wallet);
    this.emit(wallet, { type: 'upsert', entry: { machine_id: machineId, blob } });
  }

  remove(wallet: string, machineId: string): void {
    const devices = this.entries.get(wallet);
    if (!devices?.delete(machineId)) return;
    this.entryCount--;
    this.json.delete(wallet);
    if (devices.size === 0) this.entries.delete(wallet);
    this.emit(wallet, { type: 'remove', machine_id: machineId });
  }

  list(wallet: string): PresenceEntry[] {
    const devices = this.entries.get(wallet);
    if (!devices) return [];
    return [...devices.keys()].sort().map((machine_id) => ({ machine_id, blob: devices.get(machine_id)! }));
  }

  listJson(wallet: string): string {
    let body = this.json.get(wallet);
    if (body === undefined) {
      body = JSON.stringify(this.list(wallet));
      // Only wallets that have entries are cached, so probing random wallets grows nothing.
      if (this.entries.has(wallet)) this.json.set(wallet, body);
    }
    return body;
  }

  subscribe(wallet: string, listener: (change: PresenceChange) => void): () => void {
    let set = this.listeners.get(wallet);
    if (!set) this.listeners.set(wallet, (set = new Set()));
    set.add(listener);
    this.listenerCount++;
    return () => {
      if (!set.delete(listener)) return;
      this.listenerCount--;
      if (set.size === 0 && this.listeners.get(wallet) === set) this.listeners.delete(wallet);
    };
  }

  stats(): { wallets: number; entries: number; subscribers: number } {
    return { wallets: this.entries.size, entries: this.entryCount, subscribers: this.listenerCount };
  }

  private emit(wallet: string, change: PresenceChange): void {
    const set = this.listeners.get(wallet);
    if (set) for (const l of [...set]) l(change);
  }
}
