/**
 * `npm run bench:relay` (issue #3): the relay under 10,000 live registrations over 2,000 wallets.
 * Prints relay RSS per registration, registrations/s, `GET /registry` req/s and p50/p99 with 32
 * concurrent clients at 100 and at 10,000 registrations, and watch push latency with 1,000
 * watchers. Not a test: figures with units, no pass/fail.
 *
 * The load side speaks only the SPEC §3 wire (raw `ws` + HTTP), so `--target http://HOST:PORT`
 * measures any compatible relay the same way (RSS is then not measured: it is another process).
 * Without --target it spawns `dist/cli/mir-relay.js` as a child, so the relay's RSS is its own.
 *
 * flags: --target URL  --pid PID (RSS of a --target relay on this host)  --registrations N (10000)  --wallets N (2000)  --watchers N (1000)
 *        --clients N (32)  --requests N (4000)  --pushes N (2000)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { waitForListening } from '../relay/announce.js';
import WebSocket from 'ws';
import { base58 } from '../crypto/bytes.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string' },
    pid: { type: 'string' },
    registrations: { type: 'string', default: '10000' },
    wallets: { type: 'string', default: '2000' },
    watchers: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '32' },
    requests: { type: 'string', default: '4000' },
    pushes: { type: 'string', default: '2000' },
  },
});
const N = Number(values.registrations);
const W = Number(values.wallets);
const WATCHERS = Math.min(Number(values.watchers), W);
const CLIENTS = Number(values.clients);
const REQUESTS = Number(values.requests);
const PUSHES = Number(values.pushes);

/** Progress on stderr, so stdout stays the figures. */
const note = (what: string) => process.stderr.write(`  … ${what}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (x: number) => `${x.toFixed(2)} ms`;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function spawnRelay(): Promise<{ child: ChildProcess; http: string }> {
  const relayJs = fileURLToPath(new URL('../cli/mir-relay.js', import.meta.url));
  const args = [
    '--listen', '127.0.0.1:0', '--stats', '0',
    '--max-connections', '50000', '--max-connections-per-ip', '50000', '--max-requests-per-second-per-ip', '1000000', '--max-request-burst-per-ip', '1000000',
  ];
  // MIR_BENCH_NODE_FLAGS (e.g. --cpu-prof) is for diagnosing the relay; the figures use none.
  const flags = process.env.MIR_BENCH_NODE_FLAGS ?? '';
  const child = spawn('bash', ['-c', `ulimit -n $(ulimit -Hn); exec '${process.execPath}' ${flags} '${relayJs}' ${args.join(' ')}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await waitForListening(child);
  return { child, http: url.replace(/^ws/, 'http') };
}

const blob = () => randomBytes(180).toString('base64');

/** One reference-style agent: connect, send the registry frame at once, resolve on `ready`. */
function agent(ws: string, wallet: string, machineId: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const s = new WebSocket(`${ws}/agent/signal?owner_id=${wallet}&machine_id=${machineId}`, { perMessageDeflate: false });
    s.once('open', () => s.send(JSON.stringify({ type: 'registry', registry: blob() })));
    s.once('message', () => resolve(s));
    s.once('error', reject);
    s.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

const PACED_PER_CLIENT_RPS = 50;

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

/**
 * `GET /registry` latency with CLIENTS concurrent keep-alive connections, each one request at a
 * time. The client is raw HTTP/1.1 on a TCP socket (Content-Length framing), so the load side
 * costs little CPU on a 2-core box and the figures are the relay's, not node:http's client.
 */
async function listing(http: string, wallet: string, perClientRps?: number): Promise<{ rps: number; p50: number; p99: number }> {
  const { hostname, port } = new URL(http);
  const req = Buffer.from(`GET /registry?wallet=${wallet} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
  const conn = () =>
    new Promise<(n: number, times: number[], pace?: { gapMs: number; offsetMs: number }) => Promise<void>>((resolve, reject) => {
      const sock = connect(Number(port), hostname, () => resolve(run));
      sock.setNoDelay(true);
      sock.once('error', reject);
      let buf: Buffer = Buffer.alloc(0);
      let done: ((err?: Error) => void) | undefined;
      sock.on('data', (d: Buffer) => {
        buf = buf.length ? Buffer.concat([buf, d]) : d;
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 200')) return done?.(new Error(head.split('\r\n')[0]));
        const len = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
        if (buf.length < end + 4 + len) return;
        buf = buf.subarray(end + 4 + len);
        done?.();
      });
      async function run(n: number, times: number[], pace?: { gapMs: number; offsetMs: number }): Promise<void> {
        const start = performance.now() + (pace?.offsetMs ?? 0);
        for (let i = 0; i < n; i++) {
          // Paced: each request has a scheduled time and latency counts from it, so a late
          // send (the load side lagging) is charged to the figure, not hidden.
          const scheduled = pace ? start + i * pace.gapMs : performance.now();
          const wait = scheduled - performance.now();
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          // Timers can fire a little early against performance.now(): never credit that.
          const t0 = Math.min(scheduled, performance.now());
          await new Promise<void>((r, j) => {
            done = (err) => (err ? j(err) : r());
            sock.write(req);
          });
          times.push(performance.now() - t0);
        }
        sock.destroy();
      }
    });
  const runners = await Promise.all(Array.from({ length: CLIENTS }, conn));
  // Warm up the JIT on both sides with the same concurrency, then measure on fresh connections.
  await Promise.all(runners.map((run) => run(Math.ceil(REQUESTS / CLIENTS / 2), [])));
  runners.splice(0, runners.length, ...(await Promise.all(Array.from({ length: CLIENTS }, conn))));
  const times: number[] = [];
  const t0 = performance.now();
  const gapMs = perClientRps ? 1000 / perClientRps : 0;
  await Promise.all(runners.map((run, i) => run(Math.ceil(REQUESTS / CLIENTS), times, perClientRps ? { gapMs, offsetMs: (i * gapMs) / CLIENTS } : undefined)));
  const secs = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return { rps: times.length / secs, p50: pct(times, 50), p99: pct(times, 99) };
}

async function main(): Promise<void> {
  const spawned = values.target ? undefined : await spawnRelay();
  const http = (values.target ?? spawned!.http).replace(/\/$/, '');
  const ws = http.replace(/^http/, 'ws');
  // With --target, --pid PID (a relay on this host) still lets the RSS be read from /proc.
  const pid = spawned?.child.pid ?? (values.pid ? Number(values.pid) : undefined);
  console.log(`node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start`);
  console.log(`relay bench: ${N} registrations over ${W} wallets, ${WATCHERS} watchers, ${CLIENTS} listing clients, target ${http}${spawned ? ' (spawned mir-relay)' : ''}`);
  await sleep(300);
  const rss0 = pid ? rssKiB(pid) : NaN;

  const wallets = Array.from({ length: W }, () => base58.encode(randomBytes(32)));
  const slots = Array.from({ length: N }, (_, i) => ({ wallet: wallets[Math.floor((i * W) / N)]!, machineId: randomBytes(8).toString('hex') }));
  const sockets: WebSocket[] = [];
  let registered = 0;
  const register = async (from: number, to: number) => {
    const t0 = performance.now();
    await pool(Array.from({ length: to - from }, (_, i) => from + i), 64, async (k) => {
      sockets[k] = await agent(ws, slots[k]!.wallet, slots[k]!.machineId);
      registered++;
    });
    return (to - from) / ((performance.now() - t0) / 1000);
  };

  // Phase 1: 100 registrations; slots are wallet-major, so the listed wallet already has all
  // its devices (5 at the default 10,000 / 2,000) and both listings return the same entries.
  await register(0, 100);
  const smallDevices = JSON.parse(await (await fetch(`${http}/registry?wallet=${wallets[0]}`)).text()).length as number;
  const small = await listing(http, wallets[0]!);

  // Phase 2: the rest, timed.
  const progress = setInterval(() => note(`${registered} registered`), 5000);
  const regRate = await register(100, N);
  clearInterval(progress);
  await sleep(1000);
  const rssN = pid ? rssKiB(pid) : NaN;
  const devices = JSON.parse(await (await fetch(`${http}/registry?wallet=${wallets[0]}`)).text()).length as number;
  note('listing at full load');
  const large = await listing(http, wallets[0]!);
  // The same 32 clients at a steady 1,600 req/s in all (50 each): latency without the queue a
  // saturating closed loop builds on 2 shared cores, which is what polling clients see.
  const paced = await listing(http, wallets[0]!, PACED_PER_CLIENT_RPS);

  // Phase 3: watchers on the first WATCHERS wallets; each push republishes one device of a
  // watched wallet and times publish → upsert at that wallet's watcher.
  const waiting = new Map<string, (t: number) => void>();
  const watchSockets: WebSocket[] = [];
  note('opening watchers');
  await pool(wallets.slice(0, WATCHERS), 64, (wallet) =>
    new Promise<void>((resolve, reject) => {
      const s = new WebSocket(`${ws}/registry/watch?wallet=${wallet}`, { perMessageDeflate: false });
      s.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as { type: string; entry?: { machine_id: string } };
        if (msg.type === 'snapshot') resolve();
        if (msg.type === 'upsert') waiting.get(msg.entry!.machine_id)?.(performance.now());
      });
      s.once('error', reject);
      watchSockets.push(s);
    }),
  );
  const pushes: number[] = [];
  const byWallet = new Map(wallets.map((w) => [w, [] as number[]]));
  slots.forEach((s, i) => byWallet.get(s.wallet)!.push(i));
  note('pushing');
  await pool(Array.from({ length: PUSHES }, (_, i) => i), 8, async (i) => {
    const wallet = wallets[i % WATCHERS]!;
    const idxs = byWallet.get(wallet)!;
    const k = idxs[Math.floor(i / WATCHERS) % idxs.length]!;
    const mid = slots[k]!.machineId;
    if (waiting.has(mid)) return;
    const got = new Promise<number>((r) => waiting.set(mid, r));
    const t0 = performance.now();
    sockets[k]!.send(JSON.stringify({ type: 'registry', registry: blob() }));
    pushes.push((await got) - t0);
    waiting.delete(mid);
  });
  pushes.sort((a, b) => a - b);

  const kib = (rssN - rss0) / (N);
  if (Number.isNaN(kib)) console.log('relay RSS: n/a (external target without --pid)');
  else console.log(`relay RSS: ${(rss0 / 1024).toFixed(1)} MiB idle, ${(rssN / 1024).toFixed(1)} MiB at ${N} registrations → ${kib.toFixed(2)} KiB per registration (target ≤ 12 KiB)`);
  console.log(`registrations: ${regRate.toFixed(0)} /s (connect + registry frame + ready, 64 in flight)`);
  console.log(`GET /registry at 100 registrations (wallet with ${smallDevices} devices): ${small.rps.toFixed(0)} req/s, p50 ${ms(small.p50)}, p99 ${ms(small.p99)}`);
  console.log(`GET /registry at ${N} registrations (wallet with ${devices} devices): ${large.rps.toFixed(0)} req/s, p50 ${ms(large.p50)}, p99 ${ms(large.p99)} (target p99 ≤ 5 ms)`);
  console.log(`GET /registry at ${N} registrations, paced ${CLIENTS} clients × ${PACED_PER_CLIENT_RPS} req/s: ${paced.rps.toFixed(0)} req/s, p50 ${ms(paced.p50)}, p99 ${ms(paced.p99)} (target p99 ≤ 5 ms)`);
  console.log(`listing p99 ratio ${N} vs 100 registrations: ${(large.p99 / small.p99).toFixed(2)}× (target ≤ 2×)`);
  console.log(`watch push (publish → upsert) with ${watchSockets.length} watchers, ${pushes.length} pushes: p50 ${ms(pct(pushes, 50))}, p99 ${ms(pct(pushes, 99))} (target p99 ≤ 20 ms)`);

  for (const s of [...sockets, ...watchSockets]) s.terminate();
  spawned?.child.kill('SIGTERM');
  await sleep(200);
  process.exit(0);
}

// 10,000 sockets on each side need more descriptors than a default shell gives: re-exec once
// under the hard limit (the relay child gets the same below).
if (process.env.MIR_BENCH_FD !== '1') {
  const self = [process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('bash', ['-c', `ulimit -n $(ulimit -Hn); exec ${self}`], { stdio: 'inherit', env: { ...process.env, MIR_BENCH_FD: '1' } });
  child.on('exit', (code) => process.exit(code ?? 1));
} else {
  await main();
}
