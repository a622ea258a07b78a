/**
 * The fzf-style filter (issue #6): a case-insensitive match on the device name. A substring
 * match ranks before a scattered (fuzzy, in-order subsequence) match; ties keep the client's
 * order, so rows do not shuffle while nothing changes.
 */
import { type DeviceRow } from '../client/view.js';

/** 0 for a substring hit (earlier is better within it via the index), 1 for fuzzy, null for none. */
export function matchRank(filter: string, name: string): number | null {
  if (filter === '') return 0;
  const f = filter.toLowerCase();
  const n = name.toLowerCase();
  if (n.includes(f)) return 0;
  let i = 0;
  for (const ch of n) {
    if (ch === f[i]) i++;
    if (i === f.length) return 1;
  }
  return null;
}

/** The rows that match `filter`, best first, stable within a rank. */
export function filterDevices(devices: readonly DeviceRow[], filter: string): readonly DeviceRow[] {
  if (filter === '') return devices;
  const ranked: { row: DeviceRow; rank: number; at: number }[] = [];
  devices.forEach((row, at) => {
    const rank = matchRank(filter, row.name);
    if (rank !== null) ranked.push({ row, rank, at });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.at - b.at);
  return ranked.map((r) => r.row);
}
