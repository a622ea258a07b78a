/**
 * Live watch (SPEC §3 beyond): `WS /registry/watch?wallet=` gets the wallet's entries as a
 * `snapshot`, then an `upsert` or `remove` for every change. Watchers only listen; whatever they
 * send is ignored. A watcher that cannot keep up (more than `MAX_BUFFERED_BYTES` queued) is
 * dropped rather than buffered without bound.
 */
import type { WebSocket } from 'ws';
import type { Logger } from '../common/log.js';
import { RELAY_ERRORS } from './errors.js';
import type { Presence, PresenceChange } from './presence.js';

/** Queued bytes beyond which a slow watcher is terminated. */
const MAX_BUFFERED_BYTES = 1 << 20;

/** One watch socket. */
export class Watcher {
  alive = true;
  unsubscribe: () => void = () => {};
  constructor(
    readonly wallet: string,
    readonly ws: WebSocket,
  ) {}
}

// One change reaches every watcher of a wallet: serialize it once, not once per watcher.
let lastChange: PresenceChange | undefined;
let lastJson = '';
function encode(change: PresenceChange): string {
  if (change !== lastChange) {
    lastJson = JSON.stringify(change);
    lastChange = change;
  }
  return lastJson;
}

export class WatchHost {
  readonly live = new Set<Watcher>();
  private readonly perWallet = new Map<string, number>();

  constructor(
    private readonly presence: Presence,
    private readonly log: Logger,
  ) {}

  count(wallet: string): number {
    return this.perWallet.get(wallet) ?? 0;
  }

  accept(ws: WebSocket, wallet: string): Watcher {
    const w = new Watcher(wallet, ws);
    this.live.add(w);
    this.perWallet.set(wallet, this.count(wallet) + 1);
    ws.send(JSON.stringify({ type: 'snapshot', entries: this.presence.list(wallet) }));
    w.unsubscribe = this.presence.subscribe(wallet, (change) => {
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
        // Unsubscribe now: 'close' comes later, and every change until then would log again.
        w.unsubscribe();
        w.unsubscribe = () => {};
        this.log('reject', { reason: 'RELAY_ERR_WATCHER_TOO_SLOW', wallet });
        ws.terminate();
        return;
      }
      ws.send(encode(change));
    });
    ws.on('pong', () => (w.alive = true));
    ws.on('error', (err: Error & { code?: string }) => this.log('reject', { reason: err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'RELAY_ERR_FRAME_TOO_LARGE' : (err.code ?? 'socket_error'), wallet }));
    ws.on('close', () => {
      if (!this.live.delete(w)) return;
      w.unsubscribe();
      const n = this.count(wallet) - 1;
      if (n > 0) this.perWallet.set(wallet, n);
      else this.perWallet.delete(wallet);
      this.log('watch.close', { wallet });
    });
    this.log('watch.open', { wallet });
    return w;
  }

  /** Heartbeat tick for one watcher: ping, or terminate the silent. */
  heartbeat(w: Watcher): void {
    if (!w.alive) {
      this.log('reject', { reason: 'RELAY_ERR_HEARTBEAT_MISSED', wallet: w.wallet });
      w.ws.terminate();
      return;
    }
    w.alive = false;
    w.ws.ping();
  }

  stop(): void {
    for (const w of this.live) w.ws.close(RELAY_ERRORS.RELAY_ERR_SHUTTING_DOWN.close, 'RELAY_ERR_SHUTTING_DOWN');
  }
}
