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
  view(view: DiscoveryView): void;
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
  const begin = (): void => {
    const d = createDiscovery({
      wallet: { address: wallet.address, registryKey: wallet.registryKey },
      relayUrl,
      store: browserStore(localStore()),
      WebSocket: window.WebSocket,
      fetch: (url, init) => window.fetch(url, { ...init, cache: 'no-store', credentials: 'omit' }),
    });
    d.subscribe(handlers.view);
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
