/** TEMPORARY until client/ lands: the live list adapter. */
import { type Wallet } from '../crypto/wallet.js';
import { type DiscoveryView } from '../client/view.js';

export interface LiveHandlers {
  view(view: DiscoveryView): void;
  notice(text: string, name: string): void;
}
export interface LiveList {
  stop(): void;
  retry(): void;
}
export function startLiveList(wallet: Wallet, _relayUrl: string, handlers: LiveHandlers): LiveList {
  handlers.view({ wallet: wallet.address, connection: { kind: 'connecting' }, devices: [], dropped: 0 });
  return { stop: () => undefined, retry: () => undefined };
}
