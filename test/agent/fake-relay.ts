// A controllable relay for the model walk: speaks SPEC §3 from the relay side, but sends
// `ready`, garbage or a close only when the test says so. The real relay is used everywhere
// else (relay.test.ts); this one exists because a model step must hold the agent in a state.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeConnection {
  url: URL;
  headers: IncomingMessage['headers'];
  socket: WebSocket;
  /** Text frames received, parsed. */
  frames: Array<Record<string, unknown>>;
  closed: boolean;
}

export class FakeRelay {
  readonly connections: FakeConnection[] = [];
  private waiters: Array<() => void> = [];
  private constructor(
    private readonly server: Server,
    private readonly wss: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeRelay> {
    const server = createServer((_req, res) => res.writeHead(404).end());
    const wss = new WebSocketServer({ noServer: true });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const relay = new FakeRelay(server, wss, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (!url.pathname.endsWith('/agent/signal')) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        const conn: FakeConnection = { url, headers: req.headers, socket: ws, frames: [], closed: false };
        ws.on('message', (data, isBinary) => {
          if (!isBinary) conn.frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
          relay.notify();
        });
        ws.on('close', () => {
          conn.closed = true;
          relay.notify();
        });
        relay.connections.push(conn);
        relay.notify();
      });
    });
    return relay;
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Resolves when `pred` holds, re-checked on every connection, frame or close. */
  until<T>(pred: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake relay: timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        const v = pred();
        if (v) {
          clearTimeout(timer);
          resolve(v);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  /** The newest connection that is still open. */
  live(): FakeConnection | undefined {
    return this.connections.filter((c) => !c.closed).at(-1);
  }

  waitLive(): Promise<FakeConnection> {
    return this.until(() => this.live(), 'an open agent connection');
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.terminate();
    this.wss.close();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
