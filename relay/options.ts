/**
 * Every relay option in one defaults literal (the ws way): `startRelay(options)` spreads the
 * caller's options over these, then `resolveOptions` checks ranges and conflicts and fails at
 * start with one clear line. Limits are named `max…` with their unit (SPEC §3 beyond, issue #3).
 */
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../common/log.js';
import type { InspectionEvent, Observer } from 'xstate';

export interface RelayOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host: string;
  /** TCP port; 0 lets the OS pick (read it back from the handle). Default 8787. */
  port: number;
  /** Seconds a dropped agent's blob stays listed (SPEC §3 grace). Default 10. */
  graceSeconds: number;
  /** Seconds between pings; a socket that misses one interval's pong is dropped. Default 20. */
  heartbeatSeconds: number;
  /** Refuse every registration without a valid wallet signature. Default false. */
  requireWalletAuth: boolean;
  /**
   * Behind a reverse proxy, take the client address for the per-IP rate limit and the logs from
   * the last `X-Forwarded-For` entry (the one the proxy appended; earlier ones are the client's
   * to invent). Without it every client behind the proxy shares one bucket. Default false.
   */
  trustProxy: boolean;
  /** Largest WebSocket frame accepted, in bytes; bigger ones close with 1009. Default 16384. */
  maxFrameBytes: number;
  /** Largest blob, in base64 characters; bigger ones close with 1009. Default 8192. */
  maxBlobBytes: number;
  /** Longest request URL (path + query), in bytes; longer ones get 414. Default 1024. */
  maxUrlBytes: number;
  /** Live WebSocket connections (agents + watchers) in total; beyond it 503. Default 20000. */
  maxConnections: number;
  /**
   * Live WebSocket connections from one client address; beyond it 429. Keeps one address from
   * taking every socket the relay allows and refusing every other wallet. Default 1024.
   */
  maxConnectionsPerIp: number;
  /** Live agent registrations per wallet; beyond it 429. Default 64. */
  maxConnectionsPerWallet: number;
  /** Live watch sockets per wallet; beyond it 429. Default 32. */
  maxWatchersPerWallet: number;
  /** Sustained HTTP requests + upgrades per second per client IP; beyond it 429. Default 50. */
  maxRequestsPerSecondPerIp: number;
  /** Burst allowance of the per-IP rate (token bucket size), in requests. Default 200. */
  maxRequestBurstPerIp: number;
  /** Client IPs tracked by the rate limiter (least recently seen evicted). Default 10000. */
  maxTrackedIps: number;
  /** Slots remembered by the registration-secret / signed-slot table (LRU). Default 100000. */
  maxLearnedSlots: number;
  /** Seconds between `stats` log lines; 0 turns them off. Default 60. */
  statsSeconds: number;
  /** Folder of the built web page; default `../web/` next to the compiled relay (dist/web/). */
  webDir: string;
  /** Structured log sink. Default `createLogger('relay')` (JSON lines on stderr). */
  log: Logger;
  /** XState inspection observer; when set, sessions run as inspectable actors. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Clock in unix seconds, for the signature window; injectable for tests. */
  nowSeconds: () => number;
}

/** The defaults every option falls back to. */
export const DEFAULT_RELAY_OPTIONS: Readonly<Omit<RelayOptions, 'log' | 'inspect' | 'webDir'>> = {
  host: '127.0.0.1',
  port: 8787,
  graceSeconds: 10,
  heartbeatSeconds: 20,
  requireWalletAuth: false,
  trustProxy: false,
  maxFrameBytes: 16 * 1024,
  maxBlobBytes: 8 * 1024,
  maxUrlBytes: 1024,
  maxConnections: 20_000,
  maxConnectionsPerIp: 1024,
  maxConnectionsPerWallet: 64,
  maxWatchersPerWallet: 32,
  maxRequestsPerSecondPerIp: 50,
  maxRequestBurstPerIp: 200,
  maxTrackedIps: 10_000,
  maxLearnedSlots: 100_000,
  statsSeconds: 60,
  nowSeconds: () => Math.floor(Date.now() / 1000),
};

/**
 * The folder the relay serves `/` from unless told otherwise: dist/web/ beside dist/relay/. Run
 * from source (tests import relay/*.ts), that is the same built dist/web/, not the web/ sources.
 */
export function defaultWebDir(): string {
  const compiled = fileURLToPath(new URL('.', import.meta.url)).split(sep).includes('dist');
  return fileURLToPath(new URL(compiled ? '../web/' : '../dist/web/', import.meta.url));
}

/** Options with every default applied and every range checked; throws RangeError on a bad one. */
export function resolveOptions(options: Partial<RelayOptions> = {}): RelayOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const o: RelayOptions = { ...DEFAULT_RELAY_OPTIONS, webDir: defaultWebDir(), log: createLogger('relay'), ...defined };
  const positive = (name: keyof RelayOptions, min = 1, max = Number.MAX_SAFE_INTEGER) => {
    const v = o[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new RangeError(`"${name}" expected a number from ${min} to ${max}, got ${String(v)}`);
  };
  positive('port', 0, 65_535);
  positive('graceSeconds', 0, 86_400);
  positive('heartbeatSeconds', 0.01, 86_400);
  positive('statsSeconds', 0, 86_400);
  for (const k of ['maxFrameBytes', 'maxBlobBytes', 'maxUrlBytes', 'maxConnections', 'maxConnectionsPerWallet', 'maxWatchersPerWallet', 'maxRequestsPerSecondPerIp', 'maxRequestBurstPerIp', 'maxTrackedIps', 'maxLearnedSlots'] as const) positive(k);
  // Conflicts fail at start rather than silently never triggering one of the two limits.
  if (o.maxBlobBytes + 64 > o.maxFrameBytes) throw new RangeError(`"maxFrameBytes" (${o.maxFrameBytes}) must exceed "maxBlobBytes" (${o.maxBlobBytes}) by at least 64 bytes of JSON framing`);
  if (o.maxConnectionsPerWallet > o.maxConnections) throw new RangeError(`"maxConnectionsPerWallet" (${o.maxConnectionsPerWallet}) cannot exceed "maxConnections" (${o.maxConnections})`);
  if (o.maxUrlBytes < 128) throw new RangeError(`"maxUrlBytes" must be at least 128 to fit a registration URL, got ${o.maxUrlBytes}`);
  return o;
}
