/** Hand-made discovery views for the component tests (the client is not needed to draw). */
import { type ConnectionState, type DeviceRow, type DiscoveryView } from '../../client/view.js';

export const WALLET = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';

/** A device with a machine_id and host key derived from `n`, so rows differ and stay stable. */
export function device(name: string, n: number, extra: Partial<DeviceRow> = {}): DeviceRow {
  const id = n.toString(16).padStart(4, '0').repeat(4);
  const host = (n.toString(16).padStart(4, '0') + 'ab').repeat(11).slice(0, 64);
  return { name, machine_id: id, host_pub: host, signal_url: 'ws://127.0.0.1:8787', source: 'registry', online: true, isNew: false, stale: false, ts: 1_700_000_000 + n, ...extra };
}

export function view(devices: readonly DeviceRow[], connection: ConnectionState = { kind: 'live' }): DiscoveryView {
  return { wallet: WALLET, connection, devices, dropped: 0 };
}

/** Lets Ink and React settle after a write or a rerender. */
export const tick = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const ESC = '\u001b';
export const UP = '\u001b[A';
export const DOWN = '\u001b[B';
export const ENTER = '\r';
export const BACKSPACE = '\u007f';

import { type Notice } from '../../client/view.js';
import { type DiscoverySource } from '../../tui/source.js';

/** A discovery client stand-in the test drives by hand: set a view, raise a notice. */
export function fakeSource(initial: DiscoveryView): DiscoverySource & { set(v: DiscoveryView): void; notify(n: Notice): void } {
  let current = initial;
  const listeners = new Set<() => void>();
  const noticeListeners = new Set<(n: Notice) => void>();
  return {
    getView: () => current,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onNotice(l) {
      noticeListeners.add(l);
      return () => noticeListeners.delete(l);
    },
    set(v) {
      current = v;
      for (const l of listeners) l();
    },
    notify(n) {
      for (const l of noticeListeners) l(n);
    },
  };
}

/** Polls `check` every `every` ms until it holds or `ms` pass; returns whether it held. */
export async function until(check: () => boolean, ms = 2_000, every = 10): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await tick(every);
  }
  return check();
}
