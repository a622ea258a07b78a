// A live-watch client (SPEC §3 beyond: WS /registry/watch?wallet=) that keeps every message,
// so tests can wait for an upsert or a remove and check what happened in between.
import WebSocket from 'ws';

export type WatchMessage =
  | { type: 'snapshot'; entries: Array<{ machine_id: string; blob: string }> }
  | { type: 'upsert'; entry: { machine_id: string; blob: string } }
  | { type: 'remove'; machine_id: string };

export class Watcher {
  readonly messages: WatchMessage[] = [];
  private waiters: Array<() => void> = [];
  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as WatchMessage);
      const w = this.waiters;
      this.waiters = [];
      w.forEach((f) => f());
    });
  }

  static async open(relayUrl: string, wallet: string): Promise<Watcher> {
    const ws = new WebSocket(`${relayUrl}/registry/watch?wallet=${wallet}`);
    const watcher = new Watcher(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await watcher.until((m) => m.type === 'snapshot', 'the snapshot');
    return watcher;
  }

  /** The first message (from index `from`) matching `pred`. */
  until(pred: (m: WatchMessage) => boolean, what: string, timeoutMs = 8_000, from = 0): Promise<WatchMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`watcher: timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.type))}`)), timeoutMs);
      const check = () => {
        const hit = this.messages.slice(from).find(pred);
        if (hit) {
          clearTimeout(timer);
          resolve(hit);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.ws.terminate();
  }
}
