/**
 * `npm run bench:tui` (issue #6): with 500 devices listed in mir-tui, (1) the time from a
 * keystroke to the next frame Ink writes, (2) the time from an agent's publish (its `registry`
 * frame leaving the socket) to its row on screen. Real relay process, real discovery client, real
 * Ink rendering to an 80×24 terminal stand-in; 500 agents speaking the SPEC §3 wire in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForListening } from '../relay/announce.js';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { hex, randomBytes } from '../crypto/bytes.js';
import { newHostKeypair, newMachineId } from '../crypto/host.js';
import { sealDevice } from '../crypto/registry.js';
import { newWallet, type Wallet } from '../crypto/wallet.js';
import { registrationHeaders, registryFrame, signalUrl, BYE_FRAME } from '../agent/wire.js';
import { storeWallet } from '../home/wallet.js';
import { createNodeDiscovery } from '../client/node.js';
import type { Terminal } from '../tui/terminal.js';

const DEVICES = 500;
const KEYS = Number(process.env.BENCH_KEYS ?? 200);
const PROBES = Number(process.env.BENCH_PROBES ?? 40);
const WAIT_MS = 5_000;

// As cli/mir-tui.ts loads Ink: CI hidden (Ink would draw only the last frame), React's
// production build.
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
process.env.NODE_ENV ??= 'production';
const { runTui } = await import('../tui/run.js');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?<>=]*[A-Za-z]|\u001b\][^\u0007]*\u0007/g;

/** An 80×24 terminal that records when each frame arrives. */
class Screen extends EventEmitter {
  columns = 80;
  rows = 24;
  isTTY = true;
  last = '';
  private waiters: { check: (frame: string) => boolean; resolve: (t: number) => void }[] = [];
  write(chunk: string | Uint8Array, cb?: () => void): boolean {
    const t = performance.now();
    const text = (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')).replace(ANSI, '');
    if (text.trim() !== '') this.last = text;
    this.waiters = this.waiters.filter((w) => (w.check(text) ? (w.resolve(t), false) : true));
    cb?.();
    return true;
  }
  /** Resolves with the time of the first frame (from now on) that passes `check`; null after ms. */
  next(check: (frame: string) => boolean = (f) => f.trim() !== '', ms = WAIT_MS): Promise<number | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), ms);
      this.waiters.push({ check, resolve: (t) => (clearTimeout(timer), resolve(t)) });
    });
  }
}

function keyboard(): NodeJS.ReadStream {
  const s = new PassThrough() as unknown as NodeJS.ReadStream & { setRawMode(): void; ref(): void; unref(): void };
  Object.assign(s, { isTTY: true, setRawMode: () => s, ref: () => s, unref: () => s });
  return s;
}

async function startRelay(): Promise<{ url: string; proc: ChildProcess }> {
  const relayBin = join(import.meta.dirname, '..', 'cli', 'mir-relay.js');
  const args = ['--listen', '127.0.0.1:0', '--stats', '0', '--max-connections-per-wallet', '2000', '--max-requests-per-second-per-ip', '100000', '--max-request-burst-per-ip', '100000'];
  const proc = spawn('bash', ['-c', `ulimit -n 8192 2>/dev/null; exec "${process.execPath}" "${relayBin}" ${args.join(' ')}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  return { url: await waitForListening(proc), proc };
}

/** One agent on the wire (SPEC §3): signed registration, then its sealed record. */
function agent(url: string, wallet: Wallet, name: string): Promise<{ sentAt: number; leave(): void }> {
  const machineId = newMachineId();
  const host = newHostKeypair();
  const headers = registrationHeaders((m) => wallet.sign(m), wallet.address, machineId, hex.encode(randomBytes(32)), Math.floor(Date.now() / 1000));
  const ws = new WebSocket(signalUrl(url, wallet.address, machineId), { headers });
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('open', () => {
      const blob = sealDevice(wallet.registryKey, { v: 1, name, host_pub: hex.encode(host.publicKey), signal_url: url, ts: Math.floor(Date.now() / 1000) }, machineId);
      const sentAt = performance.now();
      ws.send(registryFrame(blob));
      resolve({ sentAt, leave: () => (ws.send(BYE_FRAME), ws.close()) });
    });
  });
}

function stats(label: string, samples: number[], missed: number): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  const f = (n: number) => `${n.toFixed(2)} ms`;
  return `${label}: n=${s.length} p50=${f(at(0.5))} p99=${f(at(0.99))} max=${f(s[s.length - 1] ?? NaN)}${missed ? ` (no frame: ${missed})` : ''}`;
}

const dir = mkdtempSync(join(tmpdir(), 'mir-bench-tui-'));
const wallet = newWallet();
storeWallet(join(dir, 'viewer'), wallet);
const relay = await startRelay();
const swarm: { leave(): void }[] = [];
let code = 0;
try {
  for (let i = 0; i < DEVICES; i += 50) {
    swarm.push(...(await Promise.all(Array.from({ length: Math.min(50, DEVICES - i) }, (_, j) => agent(relay.url, wallet, `host-${String(i + j).padStart(3, '0')}`)))));
  }
  const screen = new Screen();
  const input = keyboard();
  const terminal: Terminal = { input, output: screen as unknown as NodeJS.WriteStream, close: () => {} };
  const discovery = createNodeDiscovery({ home: join(dir, 'viewer'), relayUrl: relay.url });
  discovery.start();
  const shown = screen.next((f) => f.includes(`${DEVICES} devices`) && f.includes('● live'), 20_000);
  const done = runTui({ source: discovery, terminal, color: true });
  if ((await shown) === null) throw new Error(`the TUI never listed ${DEVICES} devices; last frame:\n${screen.last}`);
  // Let the 📣 banner of the first snapshot time out, so the frames measured are the keys' own.
  await screen.next((f) => !f.includes('📣'), 10_000);
  await sleep(300);
  if (process.env.BENCH_DEBUG) {
    let frames = 0;
    const orig = screen.write.bind(screen);
    screen.write = (c, cb) => (frames++, orig(c, cb));
    const cpu0 = process.cpuUsage();
    await sleep(2000);
    const cpu = process.cpuUsage(cpu0);
    process.stderr.write(`idle 2 s: ${frames} writes, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU\n`);
  }

  // (1) keystroke → frame: type a filter and take it back, move down and up.
  const keys = [...'host-42', ...Array<string>(7).fill('\u007f'), ...Array<string>(5).fill('\u001b[B'), ...Array<string>(5).fill('\u001b[A')];
  const keyMs: number[] = [];
  let keyMissed = 0;
  for (let i = 0; i < KEYS; i++) {
    const frame = screen.next();
    const t0 = performance.now();
    input.write(keys[i % keys.length]!);
    const t1 = await frame;
    if (t1 === null) keyMissed++;
    else keyMs.push(t1 - t0);
    await sleep(45); // past Ink's 30 fps throttle, so each key gets its own frame
  }

  // (2) publish → row: a filter that shows the probes, then agents join one at a time.
  input.write('\u0015'); // Ctrl-U: whatever filter the key loop left
  await sleep(100);
  input.write('probe');
  await sleep(200);
  const rowMs: number[] = [];
  let rowMissed = 0;
  for (let i = 0; i < PROBES; i++) {
    const name = `probe-${String(i).padStart(2, '0')}`;
    const row = new RegExp(`● ${name} `);
    const onScreen = screen.next((f) => row.test(f));
    const a = await agent(relay.url, wallet, name);
    const t1 = await onScreen;
    if (t1 === null) {
      rowMissed++;
      if (process.env.BENCH_DEBUG) process.stderr.write(`${screen.last}\n`);
    }
    else rowMs.push(t1 - a.sentAt);
    const gone = screen.next((f) => !row.test(f) && f.includes('0/'));
    a.leave();
    await gone;
    await sleep(20);
  }
  input.write('\u0003');
  await done;
  discovery.stop();

  console.log(`mir-tui bench: ${DEVICES} devices listed, 80×24, Node ${process.version}`);
  console.log(stats('keystroke → next frame', keyMs, keyMissed));
  console.log(stats('agent publish → row on screen', rowMs, rowMissed));
  if (keyMissed || rowMissed) code = 1;
} finally {
  for (const a of swarm) a.leave();
  relay.proc.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
