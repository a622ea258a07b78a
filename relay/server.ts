/**
 * `startRelay()`: the blind, stateless registry relay (SPEC §3, issue #3) on Node's `http` server
 * and `ws`. Wires the parts: front door and HTTP routes (http.ts), upgrades (upgrade.ts), agent
 * sessions driven by machines/relaySessionMachine.ts (session.ts), watchers (watch.ts), the
 * presence index (presence.ts), and one heartbeat interval for every socket (the ws way).
 *
 * @example
 *   const relay = await startRelay({ port: 0, graceSeconds: 1 });
 *   console.log(relay.url); // ws://127.0.0.1:PORT
 *   await relay.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { RelayContext } from './context.js';
import { createRequestHandler } from './http.js';
import { resolveOptions, type RelayOptions } from './options.js';
import { MemoryPresence, type Presence } from './presence.js';
import { RateLimiter } from './rate.js';
import { SessionHost } from './session.js';
import { SlotTable } from './slots.js';
import { loadSite } from './static.js';
import { createUpgradeHandler } from './upgrade.js';
import { WatchHost } from './watch.js';

export { type RelayOptions, DEFAULT_RELAY_OPTIONS } from './options.js';
export { RELAY_ERRORS, type RelayErrorCode } from './errors.js';
export { MemoryPresence, type Presence, type PresenceEntry, type PresenceChange } from './presence.js';

/** A running relay. */
export interface RelayHandle {
  /** `ws://HOST:PORT`, the URL agents and clients are given. */
  url: string;
  /** `http://HOST:PORT`, the same relay's HTTP base. */
  httpUrl: string;
  port: number;
  /** Closes every socket (agents get 1001) and the server; resolves when all is shut. */
  close(): Promise<void>;
}

/** Starts a relay; with `port: 0` the OS picks the port, read it back from the handle. */
export async function startRelay(options: Partial<RelayOptions> & { presence?: Presence } = {}): Promise<RelayHandle> {
  const { presence: givenPresence, ...rest } = options;
  const o = resolveOptions(rest);
  const presence = givenPresence ?? new MemoryPresence();
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxFrameBytes, perMessageDeflate: false, clientTracking: false });
  const ctx: RelayContext = {
    options: o,
    log: o.log,
    presence,
    sessions: new SessionHost(presence, o, o.log),
    watchers: new WatchHost(presence, o.log),
    slots: new SlotTable(o.maxLearnedSlots),
    rate: new RateLimiter(o.maxRequestsPerSecondPerIp, o.maxRequestBurstPerIp, o.maxTrackedIps),
    site: loadSite(o.webDir),
    wss,
    socketsPerIp: new Map(),
  };
  const HEADERS_TIMEOUT_MS = 10_000;
  const server = createServer({ maxHeaderSize: 16 * 1024 }, createRequestHandler(ctx));
  server.on('upgrade', createUpgradeHandler(ctx));
  // Slow headers never reach the rate limiter; bound how long a connection may take to send them.
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = HEADERS_TIMEOUT_MS;
  // A request Node cannot parse still gets an answer: 414 for headers over maxHeaderSize (a huge
  // query string), 400 otherwise; then the connection closes.
  server.on('clientError', (err: Error & { code?: string }, socket) => {
    if (socket.writable) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '414 URI Too Long' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const heartbeat = setInterval(() => {
    for (const s of [...ctx.sessions.live]) ctx.sessions.heartbeat(s);
    for (const w of [...ctx.watchers.live]) ctx.watchers.heartbeat(w);
  }, o.heartbeatSeconds * 1000);
  heartbeat.unref();
  const stats =
    o.statsSeconds > 0
      ? setInterval(() => {
          const p = presence.stats();
          o.log('stats', { agents: ctx.sessions.live.size, grace: ctx.sessions.countByState().grace ?? 0, watchers: ctx.watchers.live.size, wallets: p.wallets, entries: p.entries, slots: ctx.slots.size, rss_mib: Math.round(process.memoryUsage.rss() / 1048576) });
        }, o.statsSeconds * 1000)
      : undefined;
  stats?.unref();

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = o.host.includes(':') ? `[${o.host}]` : o.host;
  o.log('listen', { url: `ws://${hostForUrl}:${port}`, grace_s: o.graceSeconds, heartbeat_s: o.heartbeatSeconds, wallet_auth: o.requireWalletAuth, page: ctx.site !== null });

  let closing: Promise<void> | undefined;
  return {
    url: `ws://${hostForUrl}:${port}`,
    httpUrl: `http://${hostForUrl}:${port}`,
    port,
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat);
        clearInterval(stats);
        const sockets = [...ctx.sessions.live].map((s) => s.ws).concat([...ctx.watchers.live].map((w) => w.ws));
        ctx.sessions.stop();
        ctx.watchers.stop();
        // Give close frames a moment to flush, then cut whatever did not answer.
        await Promise.race([
          Promise.all(sockets.map((ws) => new Promise((r) => (ws.readyState === ws.CLOSED ? r(null) : ws.once('close', r))))),
          new Promise((r) => setTimeout(r, 1000).unref()),
        ]);
        for (const ws of sockets) ws.terminate();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        o.log('closed', {});
      })()),
  };
}
