/**
 * What the page shows, as plain strings (issue #7): one row per machine — name, short machine_id,
 * host key fingerprint, online state — and one status line for the relay connection. DOM-free so
 * vitest checks the wording; web/dom.ts only puts these strings into elements (as text, never HTML).
 */
import { hostFingerprint } from '../crypto/host.js';
import { type ConnectionState, type DeviceRow } from '../client/view.js';

/** machine_id shown in the list: enough to tell two same-named machines apart. */
export const SHORT_ID_CHARS = 8;

export interface RowText {
  /** Stable key for the DOM row. */
  readonly key: string;
  readonly name: string;
  readonly shortId: string;
  readonly machineId: string;
  readonly fingerprint: string;
  readonly hostPub: string;
  /** `unknown` while the relay cannot be reached: the last list is kept but not vouched for. */
  readonly state: 'online' | 'offline' | 'unknown';
  readonly stateText: string;
  readonly isNew: boolean;
}

export function rowText(row: DeviceRow, reachable = true): RowText {
  if (!reachable && row.online) {
    return { ...rowText(row), state: 'unknown', stateText: 'last seen online' };
  }
  return {
    key: row.machine_id,
    name: row.name,
    shortId: row.machine_id.slice(0, SHORT_ID_CHARS),
    machineId: row.machine_id,
    fingerprint: hostFingerprint(row.host_pub),
    hostPub: row.host_pub,
    state: row.online ? 'online' : 'offline',
    stateText: row.online ? (row.stale ? 'online (old record)' : 'online') : 'offline',
    isNew: row.isNew,
  };
}

/**
 * Online first, then by name, then machine_id: a stable order people can scan. With `reachable`
 * false (the relay is unreachable) online rows read "last seen online": nobody can vouch for them.
 */
export function sortedRows(rows: readonly DeviceRow[], reachable = true): RowText[] {
  return [...rows]
    .sort(
      (a, b) =>
        Number(b.online) - Number(a.online) ||
        a.name.localeCompare(b.name) ||
        (a.machine_id < b.machine_id ? -1 : a.machine_id > b.machine_id ? 1 : 0),
    )
    .map((r) => rowText(r, reachable));
}

export interface StatusText {
  /** One line for the status region. */
  readonly line: string;
  /** True when the relay cannot be reached: the page shows the alert with "Retry now". */
  readonly unreachable: boolean;
}

/** The connection line; `relay` is the page's own origin (the relay serves the page). */
export function statusText(state: ConnectionState, relay: string): StatusText {
  switch (state.kind) {
    case 'connecting':
      return { line: `Connecting to ${relay}…`, unreachable: false };
    case 'live':
      return { line: 'Live: changes appear as they happen.', unreachable: false };
    case 'polling':
      return { line: `Checking every ${state.everySeconds} s (this relay has no live updates).`, unreachable: false };
    case 'reconnecting':
      return {
        line: `Cannot reach the relay at ${relay}. Trying again in ${Math.max(0, Math.ceil(state.inSeconds))} s.`,
        unreachable: true,
      };
    case 'offline':
      return { line: `Cannot reach the relay at ${relay}.`, unreachable: true };
  }
}

/** "3 machines, 2 online" — the table caption and the count people hear. */
export function countText(rows: readonly RowText[]): string {
  const n = rows.length;
  if (n === 0) return 'No machines yet';
  const machines = `${n} machine${n === 1 ? '' : 's'}`;
  if (rows.some((r) => r.state === 'unknown')) return `${machines}, as last seen`;
  return `${machines}, ${rows.filter((r) => r.state === 'online').length} online`;
}

/** The notice sentence for the page: the client's wording (SPEC §4) without its leading emoji. */
export function noticeLine(text: string): string {
  return text.replace(/^\p{Extended_Pictographic}\uFE0F?\s*/u, '');
}

/** The relay's WebSocket URL from the page's own location: the relay serves this page. */
export function relayUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
}

/**
 * Why passkeys cannot work on this page's address, or null. WebAuthn refuses an IP address as its
 * rpId, and `mir-relay` prints `ws://127.0.0.1:8787` by default: a loopback page is pointed at
 * the same page under `localhost` (a secure context, and the same relay).
 */
export function passkeyBlocker(location: Pick<Location, 'protocol' | 'hostname' | 'port' | 'pathname'>): { message: string; url?: string } | null {
  const host = location.hostname;
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[') || host.includes(':');
  if (!isIp) return null;
  const loopback = host === '127.0.0.1' || host === '[::1]' || host === '::1';
  if (!loopback) return { message: 'Passkeys need a domain name, not an IP address: open this page by name, or use your recovery phrase.' };
  const port = location.port ? `:${location.port}` : '';
  return {
    message: 'Passkeys need a domain name, not an IP address. Open this page at localhost to use one:',
    url: `${location.protocol}//localhost${port}${location.pathname}`,
  };
}
