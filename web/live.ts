/**
 * The live list (issue #7): the discovery client (client/discovery.ts, issue #5) wired to the
 * browser — the page's own WebSocket and fetch, localStorage holding seen machine_ids only
 * (client/store.ts browserStore). The same fetch → open → merge → notify flow as `mir list` and
 * the TUI: one copy of the logic, only the glue lives here.
 */
import { createDiscovery, type Discovery } from '../client/discovery.js';
import { browserStore } from '../client/store.js';
import { noticeText, type DiscoveryView } from '../client/view.js';
import { type Wallet } from '../crypto/wallet.js';

export interface LiveHandlers {
  /** `answered`: the registry has answered at least once since sign-in. */
  view(view: DiscoveryView, answered: boolean): void;
  notice(text: string, name: string): void;
}

export interface LiveList {
  /** Ends the watch socket, timers and listeners. */
  stop(): void;
  /** "Retry now": drop the current attempt (and its backoff) and start over at once. */
  retry(): void;
}

/** Storage that may be missing or throw (privacy modes): then notices repeat per visit, no more. */
function localStore(): Storage | { getItem(): null; setItem(): void } {
  try {
    return window.localStorage;
  } catch {
    return { getItem: () => null, setItem: () => undefined };
  }
}

/** Starts listing `wallet`'s machines from the relay at `relayUrl` (the page's own origin). */
export function startLiveList(wallet: Wallet, relayUrl: string, handlers: LiveHandlers): LiveList {
  let discovery: Discovery | null = null;
  let answered = false;
  let last: DiscoveryView | null = null;
  const show = (view: DiscoveryView, fresh: { reached: boolean }): void => {
    const reached = view.connection.kind === 'live' || view.connection.kind === 'polling';
    fresh.reached ||= reached;
    answered ||= reached;
    // After "Retry now" the new client starts empty; keep the last list on screen until it has
    // an answer of its own, so a retry never blanks what people were looking at.
    const shown = fresh.reached || !last ? view : { ...view, devices: last.devices, dropped: last.dropped };
    last = shown;
    handlers.view(shown, answered);
  };
  const begin = (): void => {
    const fresh = { reached: false };
    const d = createDiscovery({
      wallet: { address: wallet.address, registryKey: wallet.registryKey },
      relayUrl,
      store: browserStore(localStore()),
      WebSocket: window.WebSocket,
      fetch: (url, init) => window.fetch(url, { ...init, cache: 'no-store', credentials: 'omit' }),
    });
    d.subscribe((view) => show(view, fresh));
    d.onNotice((n) => handlers.notice(noticeText(n.name), n.name));
    discovery = d;
    d.start();
  };
  begin();
  return {
    stop: () => {
      discovery?.stop();
      discovery = null;
    },
    retry: () => {
      if (!discovery) return;
      discovery.stop();
      begin();
    },
  };
}
