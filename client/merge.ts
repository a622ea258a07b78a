/**
 * The merged list (SPEC §4 merge, issue #5). Browser-safe, pure.
 *
 * Order, stable so a list does not jump around between refreshes:
 *   1. local machines.json entries, in file order (people put them there in the order they want);
 *   2. then registry entries not already local, by name (code-point order), then machine_id.
 * A local entry wins over a registry entry with the same machine_id (it keeps its name and
 * host_pub) and is `online` when the registry lists that machine_id with a record that opens.
 * Registry entries are online by definition (listed means live, SPEC §1). Two entries with the same
 * name are both listed; machine_id tells them apart.
 */
import { type DeviceRow } from './view.js';
import { type OpenedEntry } from './entries.js';

/** A machine added by hand (machines.json, SPEC §5): the same shape as home/files.ts LocalMachine. */
export interface LocalEntry {
  readonly name: string;
  readonly machine_id: string;
  readonly host_pub: string;
  readonly signal_url: string;
}

const byNameThenId = (a: OpenedEntry, b: OpenedEntry): number =>
  a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : a.machine_id < b.machine_id ? -1 : a.machine_id > b.machine_id ? 1 : 0;

/**
 * Merges local and opened registry entries into rows.
 * @param isNew machine_ids announced while this client runs (the "new" badge)
 */
export function mergeRows(local: readonly LocalEntry[], opened: ReadonlyMap<string, OpenedEntry>, isNew: ReadonlySet<string> = new Set()): DeviceRow[] {
  const rows: DeviceRow[] = [];
  const localIds = new Set<string>();
  for (const m of local) {
    if (localIds.has(m.machine_id)) continue; // a hand-edited duplicate: the first one counts
    localIds.add(m.machine_id);
    rows.push({
      name: m.name,
      machine_id: m.machine_id,
      host_pub: m.host_pub,
      signal_url: m.signal_url,
      source: 'local',
      online: opened.has(m.machine_id),
      isNew: false,
      stale: false,
    });
  }
  const discovered = [...opened.values()].filter((e) => !localIds.has(e.machine_id)).sort(byNameThenId);
  for (const e of discovered) {
    rows.push({
      name: e.record.name,
      machine_id: e.machine_id,
      host_pub: e.record.host_pub,
      signal_url: e.record.signal_url,
      source: 'registry',
      online: true,
      isNew: isNew.has(e.machine_id),
      stale: e.stale,
      ts: e.record.ts,
    });
  }
  return rows;
}
