/**
 * What the discovery client shows: the shared shape between the client (issue #5), the TUI (#6)
 * and the browser page (#7). Browser-safe: no Node imports here.
 */

/** The relay connection as people see it (TUI header, web status line). */
export type ConnectionState =
  | { readonly kind: 'connecting' }
  /** The watch socket is open: changes arrive as they happen. */
  | { readonly kind: 'live' }
  /** The relay has no watch endpoint (reference relay): polling GET /registry. */
  | { readonly kind: 'polling'; readonly everySeconds: number }
  /** The registry could not be reached; the next try is in `inSeconds`. */
  | { readonly kind: 'reconnecting'; readonly inSeconds: number }
  /** Stopped trying (a one-shot command that failed): local machines only. */
  | { readonly kind: 'offline' };

/** One machine in the merged list (SPEC §4 merge, SPEC §6 fields plus UI flags). */
export interface DeviceRow {
  readonly name: string;
  readonly machine_id: string;
  readonly host_pub: string;
  readonly signal_url: string;
  readonly source: 'registry' | 'local';
  readonly online: boolean;
  /** First seen by this device while this client was running (the "new" badge). */
  readonly isNew: boolean;
  /** Its record's ts went backwards against the newest seen: replayed or stale (SPEC §7). */
  readonly stale: boolean;
  /** Record ts (registry entries only). */
  readonly ts?: number;
}

/** `📣 new device "<name>" joined your wallet`, once per machine_id ever (SPEC §4). */
export interface Notice {
  readonly machine_id: string;
  readonly name: string;
}

export interface DiscoveryView {
  /** The wallet address being listed. */
  readonly wallet: string;
  readonly connection: ConnectionState;
  readonly devices: readonly DeviceRow[];
  /** Entries that did not open (forged, moved, truncated, garbage); for --debug. */
  readonly dropped: number;
  /** Why the registry could not be reached last time (a short reason, never a blob); absent when fine. */
  readonly problem?: string;
}

/** The SPEC §6 JSON shape of one machine, for `mir list --json`, `mir resolve` and a TUI pick. */
export interface MachineJson {
  name: string;
  machine_id: string;
  host_pub: string;
  signal_url: string;
  source: 'registry' | 'local';
  online: boolean;
}

export function toMachineJson(row: DeviceRow): MachineJson {
  return { name: row.name, machine_id: row.machine_id, host_pub: row.host_pub, signal_url: row.signal_url, source: row.source, online: row.online };
}

export const noticeText = (name: string): string => `📣 new device "${name}" joined your wallet`;
