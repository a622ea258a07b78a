/**
 * `mir resolve NAME` (issue #5): one machine by name, local first, then the registry. Pure and
 * browser-safe, so the TUI or the page can resolve the same way.
 */
import { type DeviceRow } from './view.js';

export type Resolution =
  | { readonly kind: 'found'; readonly row: DeviceRow }
  /** Two or more machines carry this name in the same source: machine_id must pick one. */
  | { readonly kind: 'ambiguous'; readonly rows: readonly DeviceRow[] }
  /** No machine by that name (or none with that machine_id); `close` holds similar names. */
  | { readonly kind: 'unknown'; readonly close: readonly string[] };

/**
 * Resolves `name` among merged rows. Local rows are searched first: a name found there is never
 * looked up among registry rows (machines.json is the user's own word). `machineId` picks one
 * among same-named machines.
 */
export function resolveName(rows: readonly DeviceRow[], name: string, machineId?: string): Resolution {
  for (const source of ['local', 'registry'] as const) {
    let hits = rows.filter((r) => r.source === source && r.name === name);
    if (hits.length === 0) continue;
    if (machineId !== undefined) hits = hits.filter((r) => r.machine_id === machineId);
    if (hits.length === 1) return { kind: 'found', row: hits[0]! };
    if (hits.length > 1) return { kind: 'ambiguous', rows: hits };
  }
  if (machineId !== undefined) {
    // The name exists nowhere with that machine_id: say so, with the names that do carry it.
    const byId = rows.filter((r) => r.machine_id === machineId).map((r) => r.name);
    if (byId.length > 0) return { kind: 'unknown', close: [...new Set(byId)] };
  }
  return { kind: 'unknown', close: closeNames(rows.map((r) => r.name), name) };
}

/** Levenshtein distance, small strings only (names are ≤ 64 chars). */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Up to 5 names close to `name`: same letters ignoring case, one inside the other, or a few edits away. */
export function closeNames(names: readonly string[], name: string): string[] {
  const want = name.toLowerCase();
  const scored: Array<[number, string]> = [];
  for (const n of new Set(names)) {
    const have = n.toLowerCase();
    const d = editDistance(have, want);
    if (d <= Math.max(2, Math.floor(want.length / 3)) || (want.length >= 2 && (have.includes(want) || want.includes(have)))) scored.push([d, n]);
  }
  return scored.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : 1)).slice(0, 5).map(([, n]) => n);
}
