#!/usr/bin/env node
/**
 * `mir-relay` (SPEC §3, §6, issue #3): parses flags, starts the relay, prints the URL it serves
 * on as the first stdout line, logs JSON lines on stderr, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { setFlagsFromString } from 'node:v8';
import { intFlag, parseFlags, secondsFlag } from '../common/args.js';
import { runMain, UserError } from '../common/errors.js';
import { startInspector } from '../common/inspect.js';
import { listeningLine } from '../relay/announce.js';
import { createLogger } from '../common/log.js';
import { DEFAULT_RELAY_OPTIONS as D, startRelay, type RelayOptions } from '../relay/server.js';

// Memory per registration is the relay's key figure (issue #3: ≤ 12 KiB RSS at 10,000). A burst
// of registrations makes V8 grow its young generation to 32 MiB, which stays committed (~3 KiB
// per registration at 10,000); the relay's allocations are small and short-lived, so keep the
// young generation at its initial size instead. Read by V8 whenever it would grow the space.
setFlagsFromString('--semi-space-growth-factor=1');

/** Limit flags → option names; each takes a whole number (units in --help). */
const LIMITS = {
  'max-frame-bytes': 'maxFrameBytes',
  'max-blob-bytes': 'maxBlobBytes',
  'max-url-bytes': 'maxUrlBytes',
  'max-connections': 'maxConnections',
  'max-connections-per-ip': 'maxConnectionsPerIp',
  'max-connections-per-wallet': 'maxConnectionsPerWallet',
  'max-watchers-per-wallet': 'maxWatchersPerWallet',
  'max-requests-per-second-per-ip': 'maxRequestsPerSecondPerIp',
  'max-request-burst-per-ip': 'maxRequestBurstPerIp',
  'max-tracked-ips': 'maxTrackedIps',
  'max-learned-slots': 'maxLearnedSlots',
} as const;

const HELP = `mir-relay — the blind, stateless device registry relay

usage: mir-relay [--listen HOST:PORT] [--grace S] [--heartbeat S] [--require-wallet-auth]
                 [limit flags…] [--stats S] [--web DIR] [--inspect [URL]] [--help]

  --listen HOST:PORT     where to listen (default 127.0.0.1:8787; port 0 lets the OS pick)
  --grace S              seconds a dropped agent stays listed (default ${D.graceSeconds})
  --heartbeat S          seconds between pings; a silent socket is dropped (default ${D.heartbeatSeconds})
  --require-wallet-auth  refuse registrations without a wallet signature
  --trust-proxy          behind a reverse proxy: rate-limit by the last X-Forwarded-For address
                         (only when the port is reachable through the proxy alone)
  --stats S              seconds between stats log lines, 0 = off (default ${D.statsSeconds})
  --web DIR              folder of the web page served at / (default: dist/web)
  --inspect [URL]        stream every session's statechart to the Stately inspector

limits (refused with a clear HTTP status or close code, and a log line):
  --max-frame-bytes N               WebSocket frame size (default ${D.maxFrameBytes})
  --max-blob-bytes N                blob size in base64 chars (default ${D.maxBlobBytes})
  --max-url-bytes N                 request URL length (default ${D.maxUrlBytes})
  --max-connections N               open sockets in total (default ${D.maxConnections})
  --max-connections-per-ip N        open sockets from one address (default ${D.maxConnectionsPerIp})
  --max-connections-per-wallet N    agent sockets per wallet (default ${D.maxConnectionsPerWallet})
  --max-watchers-per-wallet N       watch sockets per wallet (default ${D.maxWatchersPerWallet})
  --max-requests-per-second-per-ip N  sustained request rate per IP (default ${D.maxRequestsPerSecondPerIp})
  --max-request-burst-per-ip N      burst of that rate (default ${D.maxRequestBurstPerIp})
  --max-tracked-ips N               addresses the rate limiter remembers (default ${D.maxTrackedIps})
  --max-learned-slots N             slots the registration-secret table remembers (default ${D.maxLearnedSlots})

The first stdout line is "mir-relay listening on ws://HOST:PORT"; logs are JSON lines on stderr.`;

/** `HOST:PORT` or `[v6]:PORT`. */
function parseListen(value: string | boolean | undefined): { host: string; port: number } {
  if (value === undefined) return { host: D.host, port: D.port };
  const m = typeof value === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value) : null;
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65_535) throw new UserError(`--listen expects HOST:PORT (e.g. 127.0.0.1:8787), got ${JSON.stringify(value)}`, 2);
  return { host: (m[1] ?? m[2])!, port };
}

await runMain('mir-relay', async () => {
  const { values, inspect } = parseFlags(
    process.argv.slice(2),
    {
      listen: { type: 'string' },
      grace: { type: 'string' },
      heartbeat: { type: 'string' },
      'require-wallet-auth': { type: 'boolean' },
      'trust-proxy': { type: 'boolean' },
      stats: { type: 'string' },
      web: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(Object.keys(LIMITS).map((k) => [k, { type: 'string' as const }])),
    },
    { allowInspect: true },
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const options: Partial<RelayOptions> = {
    ...parseListen(values.listen),
    graceSeconds: secondsFlag('grace', values.grace, D.graceSeconds),
    heartbeatSeconds: secondsFlag('heartbeat', values.heartbeat, D.heartbeatSeconds, { min: 0.01 }),
    statsSeconds: secondsFlag('stats', values.stats, D.statsSeconds),
    requireWalletAuth: values['require-wallet-auth'] === true,
    trustProxy: values['trust-proxy'] === true,
    webDir: typeof values.web === 'string' ? values.web : undefined,
    log: createLogger('relay'),
  };
  for (const [flag, key] of Object.entries(LIMITS)) options[key] = intFlag(flag, values[flag], D[key], { min: 1 });

  const inspector = inspect ? startInspector(inspect) : undefined;
  let relay;
  try {
    relay = await startRelay({ ...options, inspect: inspector?.inspect });
  } catch (err) {
    inspector?.stop();
    const e = err as NodeJS.ErrnoException;
    if (err instanceof RangeError) throw new UserError(err.message, 2);
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') throw new UserError(`cannot listen on ${options.host}:${options.port}: ${e.code}`, 1);
    throw err;
  }
  process.stdout.write(`${listeningLine(relay.url)}\n`);

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await relay.close();
  inspector?.stop();
  // Everything is closed; an inspector still retrying its socket must not keep us alive.
  setTimeout(() => process.exit(process.exitCode ?? 0), 500).unref();
  return 0;
});
