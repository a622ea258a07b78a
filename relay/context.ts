/**
 * What the HTTP routes and the upgrade routes share: the relay's parts, and the front-door checks
 * every request passes first (URL length, per-IP rate, a well-formed query).
 */
import type { IncomingMessage } from 'node:http';
import type { WebSocketServer } from 'ws';
import type { Logger } from '../common/log.js';
import type { RelayErrorCode } from './errors.js';
import type { RelayOptions } from './options.js';
import type { Presence } from './presence.js';
import type { RateLimiter } from './rate.js';
import type { SessionHost } from './session.js';
import type { SlotTable } from './slots.js';
import type { loadSite } from './static.js';
import { parseTarget } from './validate.js';
import type { WatchHost } from './watch.js';

export interface RelayContext {
  readonly options: RelayOptions;
  readonly log: Logger;
  readonly presence: Presence;
  readonly sessions: SessionHost;
  readonly watchers: WatchHost;
  readonly slots: SlotTable;
  readonly rate: RateLimiter;
  readonly site: ReturnType<typeof loadSite>;
  readonly wss: WebSocketServer;
  /** Open WebSockets per client address, for `maxConnectionsPerIp`. */
  readonly socketsPerIp: Map<string, number>;
}

/** Counts `ws` against `ip` until it closes. */
export function trackSocketIp(ctx: RelayContext, ip: string, ws: { once(event: 'close', fn: () => void): unknown }): void {
  ctx.socketsPerIp.set(ip, (ctx.socketsPerIp.get(ip) ?? 0) + 1);
  ws.once('close', () => {
    const n = (ctx.socketsPerIp.get(ip) ?? 1) - 1;
    if (n > 0) ctx.socketsPerIp.set(ip, n);
    else ctx.socketsPerIp.delete(ip);
  });
}

/** The client address for the rate limit and the logs (see `trustProxy`). */
export function clientIp(req: IncomingMessage, trustProxy = false): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  if (typeof forwarded === 'string') {
    const last = forwarded.split(',').at(-1)!.trim();
    if (last !== '' && last.length <= 64) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}

/** Front-door checks; the parsed target, or the code to refuse with. */
export function frontDoor(ctx: RelayContext, req: IncomingMessage): { path: string; query: Map<string, string> } | { refuse: RelayErrorCode } {
  const url = req.url ?? '/';
  if (Buffer.byteLength(url) > ctx.options.maxUrlBytes) return { refuse: 'RELAY_ERR_URL_TOO_LONG' };
  if (!ctx.rate.take(clientIp(req, ctx.options.trustProxy), Date.now())) return { refuse: 'RELAY_ERR_RATE_LIMITED' };
  return parseTarget(url) ?? { refuse: 'RELAY_ERR_BAD_QUERY' };
}

/** Total open WebSockets (agents and watchers), for `maxConnections`. */
export function openSockets(ctx: RelayContext): number {
  return ctx.sessions.live.size + ctx.watchers.live.size;
}
