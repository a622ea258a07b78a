/**
 * The registry side of the list: what the relay lists for a wallet, opened with K_reg (SPEC §2).
 * Browser-safe. Every entry is opened with its own machine_id as AAD; anything that does not
 * open (forged under another key, moved to another machine_id, truncated, garbage) is dropped
 * silently and only counted (issue #5, for --debug).
 */
import { openDevice } from '../crypto/registry.js';
import { type DeviceRecord } from '../crypto/record.js';

/** One `{"machine_id","blob"}` of GET /registry or the watch socket (SPEC §3). */
export interface WireEntry {
  readonly machine_id: string;
  readonly blob: string;
}

/** A change the relay told us about, stashed by the shell until `openEntries` runs. */
export type Batch =
  | { readonly kind: 'replace'; readonly entries: readonly WireEntry[] }
  | { readonly kind: 'upsert'; readonly entry: WireEntry }
  | { readonly kind: 'remove'; readonly machine_id: string };

/** An entry that opened, with its SPEC §7 stale flag. */
export interface OpenedEntry {
  readonly machine_id: string;
  readonly record: DeviceRecord;
  /** The record's ts is older than the newest ts this device has seen for its machine_id. */
  readonly stale: boolean;
}

const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A well-formed wire entry, or null (the relay is not trusted to send well-formed ones). */
export function wireEntry(v: unknown): WireEntry | null {
  if (!isObject(v) || typeof v.machine_id !== 'string' || typeof v.blob !== 'string') return null;
  return { machine_id: v.machine_id, blob: v.blob };
}

/** GET /registry's body: an array of entries; ill-formed items are kept as garbage to drop. */
export function parseRegistryBody(body: unknown): WireEntry[] | null {
  if (!Array.isArray(body)) return null;
  return body.map((e) => wireEntry(e) ?? { machine_id: '', blob: '' });
}

/** One message of the watch socket (SPEC §3 beyond), or null for anything we do not know. */
export function parseWatchMessage(text: string): Batch | null {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(m)) return null;
  if (m.type === 'snapshot') {
    const entries = parseRegistryBody(m.entries);
    return entries ? { kind: 'replace', entries } : null;
  }
  if (m.type === 'upsert') {
    const entry = wireEntry(m.entry);
    return entry ? { kind: 'upsert', entry } : null;
  }
  if (m.type === 'remove' && typeof m.machine_id === 'string') return { kind: 'remove', machine_id: m.machine_id };
  return null;
}

/**
 * The wallet's opened registry: machine_id → opened entry, plus the machine_ids whose current
 * entry does not open. `newest` is this device's memory of the newest ts per machine_id; it is
 * read to flag stale records and raised as newer ones arrive (the caller persists it).
 */
export class OpenedRegistry {
  readonly opened = new Map<string, OpenedEntry>();
  private readonly dropped = new Set<string>();
  private droppedNoId = 0;

  constructor(
    private readonly key: Uint8Array,
    private readonly newest: Map<string, number>,
  ) {}

  /** Entries whose blob did not open, in the relay's current list. */
  get droppedCount(): number {
    return this.dropped.size + this.droppedNoId;
  }

  /** Applies a batch; returns true when `newest` moved (so the caller saves it). */
  apply(batch: Batch): boolean {
    let moved = false;
    if (batch.kind === 'replace') {
      this.opened.clear();
      this.dropped.clear();
      this.droppedNoId = 0;
      for (const e of batch.entries) moved = this.put(e) || moved;
    } else if (batch.kind === 'upsert') {
      moved = this.put(batch.entry);
    } else {
      this.opened.delete(batch.machine_id);
      this.dropped.delete(batch.machine_id);
    }
    return moved;
  }

  private put(e: WireEntry): boolean {
    if (!MACHINE_ID.test(e.machine_id)) {
      this.droppedNoId++;
      return false;
    }
    const record = openDevice(this.key, e.blob, e.machine_id);
    if (!record) {
      // The relay replaced this slot with something that does not open: the old record is gone too.
      this.opened.delete(e.machine_id);
      this.dropped.add(e.machine_id);
      return false;
    }
    this.dropped.delete(e.machine_id);
    const best = this.newest.get(e.machine_id);
    const stale = best !== undefined && record.ts < best;
    this.opened.set(e.machine_id, { machine_id: e.machine_id, record, stale });
    if (best === undefined || record.ts > best) {
      this.newest.set(e.machine_id, record.ts);
      return true;
    }
    return false;
  }
}
