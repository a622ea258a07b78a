/**
 * `npm run bench:agent` (issue #4): what an agent costs and how a fleet recovers.
 *
 * 1. Idle RSS of a real `mir-agent` process, sampled once it is serving (≥ 10 s healthy uptime).
 * 2. 1,000 agents in this one process (20 wallets × 50 machines) against a real `mir-relay`
 *    child; once all are serving, the relay is killed (SIGKILL, a crash) and started again on
 *    the same port. Measured: time until all 1,000 are listed again, and how many connection
 *    attempts that took (no storm: ≤ 3 per agent).
 *
 * Loopback only; every loop and wait is bounded. All 1,000 agents share 127.0.0.1, so the
 * relay's per-IP request limits are raised for this run (1,000 real agents have 1,000 IPs).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitForListening } from '../relay/announce.js';
import { fileURLToPath } from 'node:url';
import { newAgentFile } from '../agent/config.js';
import { startAgentRuntime, type AgentRuntime } from '../agent/runtime.js';
import { randomBytes } from '../crypto/bytes.js';
import { walletFromSecret, type Wallet } from '../crypto/wallet.js';
import { storeWallet } from '../home/wallet.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RELAY_BIN = join(ROOT, 'dist/cli/mir-relay.js');
const AGENT_BIN = join(ROOT, 'dist/cli/mir-agent.js');
const WALLETS = 20;
const PER_WALLET = 50;
const AGENTS = WALLETS * PER_WALLET;
const STORM_LIMIT = 3;

// 1,000 sockets need more descriptors than some shells allow: re-run under the hard limit.
if (!process.env.MIR_BENCH_ULIMIT) {
  const r = spawnSync('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" "${fileURLToPath(import.meta.url)}"`], {
    stdio: 'inherit',
    env: { ...process.env, MIR_BENCH_ULIMIT: '1' },
  });
  process.exit(r.status ?? 1);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs: number, everyMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface RelayProc {
  child: ChildProcess;
  url: string;
  port: number;
  /** performance.now() when it printed its URL. */
  listeningAt: number;
}

function startRelayProc(port: number): Promise<RelayProc> {
  const args = [
    RELAY_BIN,
    '--listen', `127.0.0.1:${port}`,
    '--stats', '0',
    '--max-requests-per-second-per-ip', '1000000',
    '--max-request-burst-per-ip', '1000000',
    '--max-connections-per-ip', '100000', // the 1,000 agents share 127.0.0.1
  ];
  const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${process.execPath}" ${args.map((a) => `'${a}'`).join(' ')}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  return waitForListening(child).then((url) => ({ child, url, port: Number(new URL(url).port), listeningAt: performance.now() }));
}

async function killProc(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await Promise.race([gone, sleep(5_000)]);
}

async function listed(relay: RelayProc, wallets: Wallet[]): Promise<number> {
  const http = relay.url.replace(/^ws/, 'http');
  const counts = await Promise.all(
    wallets.map(async (w) => {
      try {
        const res = await fetch(`${http}/registry?wallet=${w.address}`);
        return res.ok ? ((await res.json()) as unknown[]).length : 0;
      } catch {
        return 0;
      }
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

const vm = (pid: number, key: 'VmRSS' | 'VmHWM') => {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};
/** CPU seconds (user + system) a process has used so far, from /proc (Linux clock ticks). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const mib = (n: number) => `${n.toFixed(1)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** RSS of a bare Node process doing nothing, as the floor an agent's figure stands on. */
async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 5000)'], { stdio: 'ignore' });
  await sleep(1_000);
  const rss = vm(child.pid!, 'VmRSS');
  await killProc(child, 'SIGTERM');
  return rss;
}

async function idleAgentRss(): Promise<void> {
  const relay = await startRelayProc(0);
  const dir = mkdtempSync(join(tmpdir(), 'mir-bench-agent-'));
  const home = join(dir, 'home');
  storeWallet(home, walletFromSecret(randomBytes(32)));
  const agent = spawn(process.execPath, [AGENT_BIN, '--home', home, '--relay', relay.url, '--name', 'bench-idle'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let serving = false;
  let published = false;
  createInterface({ input: agent.stderr! }).on('line', (line) => {
    if (line.includes('"event":"published"')) published = true;
    if (line.includes('"event":"serving"')) serving = true;
  });
  try {
    await until(() => published, 'the idle agent to publish', 10_000);
    const atPublish = vm(agent.pid!, 'VmRSS');
    await until(() => serving, 'the idle agent to be serving (10 s healthy uptime)', 20_000, 100);
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) {
      samples.push(vm(agent.pid!, 'VmRSS'));
      await sleep(200);
    }
    samples.sort((a, b) => a - b);
    const bare = await bareNodeRss();
    console.log('idle mir-agent (one real process, serving, 2 s of samples)');
    console.log(`  RSS median ${mib(samples[5]!)}  min ${mib(samples[0]!)}  max ${mib(samples.at(-1)!)}  (at first publish ${mib(atPublish)}, peak VmHWM ${mib(vm(agent.pid!, 'VmHWM'))})`);
    console.log(`  for scale: an idle bare \`node\` process here is ${mib(bare)}`);
  } finally {
    await killProc(agent, 'SIGTERM');
    await killProc(relay.child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fleetRestart(): Promise<boolean> {
  const wallets = Array.from({ length: WALLETS }, () => walletFromSecret(randomBytes(32)));
  let relay = await startRelayProc(0);
  const port = relay.port;
  const agents: AgentRuntime[] = [];
  const rssBefore = process.memoryUsage().rss / 1048576;
  const t0 = performance.now();
  for (let w = 0; w < WALLETS; w++) {
    for (let i = 0; i < PER_WALLET; i++) {
      agents.push(startAgentRuntime({ wallet: wallets[w]!, config: newAgentFile(`bench-${w}-${i}`, relay.url), log: () => {} }));
    }
  }
  try {
    await until(async () => (await listed(relay, wallets)) === AGENTS || undefined, `all ${AGENTS} agents listed at start`, 60_000, 100);
    const coldMs = performance.now() - t0;
    // Steady state first: every agent serving, so each ceiling has reset to the 1 s base.
    await until(() => agents.every((a) => a.state() === 'serving') || undefined, 'all agents serving', 30_000, 200);
    const rssAgents = process.memoryUsage().rss / 1048576;
    const attemptsBefore = agents.map((a) => a.stats.attempts);

    const killedAt = performance.now();
    const selfCpu0 = process.cpuUsage();
    await killProc(relay.child, 'SIGKILL');
    relay = await startRelayProc(port);
    const back = await until(async () => ((await listed(relay, wallets)) === AGENTS ? performance.now() : undefined), `all ${AGENTS} agents listed again`, 90_000, 50);
    const relayCpu = cpuSeconds(relay.child.pid!);
    const selfCpu = process.cpuUsage(selfCpu0);
    await sleep(500); // let late attempt counters settle
    const attempts = agents.map((a, i) => a.stats.attempts - attemptsBefore[i]!);
    const total = attempts.reduce((a, b) => a + b, 0);
    const max = Math.max(...attempts);
    const hist = new Map<number, number>();
    for (const n of attempts) hist.set(n, (hist.get(n) ?? 0) + 1);

    console.log(`\n${AGENTS} agents in one process (${WALLETS} wallets × ${PER_WALLET}), real mir-relay child on 127.0.0.1:${port}`);
    console.log(`  cold start: all listed after ${secs(coldMs)}; this process RSS ${mib(rssAgents)} (${mib(rssBefore)} before the agents, ≈ ${((rssAgents - rssBefore) * 1024 / AGENTS).toFixed(1)} KiB per agent)`);
    console.log(`  relay restart (SIGKILL, new relay on the same port): new relay listening after ${secs(relay.listeningAt - killedAt)}`);
    console.log(`  all ${AGENTS} listed again: ${secs(back - killedAt)} after the kill, ${secs(back - relay.listeningAt)} after the new relay was listening`);
    console.log(`  CPU during the recovery: new relay ${relayCpu.toFixed(2)} s, the 1,000 agents' process ${((selfCpu.user + selfCpu.system) / 1e6).toFixed(2)} s (2 shared cores)`);
    console.log(`  connection attempts: ${total} in all, ${(total / AGENTS).toFixed(2)} per agent on average, max ${max} per agent`);
    console.log(`  attempts per agent: ${[...hist.entries()].sort((a, b) => a[0] - b[0]).map(([n, c]) => `${n}×${c}`).join('  ')}`);
    const ok = max <= STORM_LIMIT;
    console.log(`  no storm (every agent ≤ ${STORM_LIMIT} attempts): ${ok ? 'yes' : 'NO'}`);
    return ok;
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await killProc(relay.child, 'SIGTERM');
  }
}

console.log('bench:agent — mir-agent idle cost and fleet recovery after a relay restart\n');
await idleAgentRss();
const ok = await fleetRestart();
process.exit(ok ? 0 : 1);
