/**
 * Client discovery figures (issue #5), real relay on loopback, raw agents over real WebSockets:
 *   1. fetch + open + merge of 256 devices of one wallet (discoverOnce end to end, and its parts);
 *   2. the same list with 10% forged entries (sealed under another wallet's key);
 *   3. watch latency: an agent's publish → the client's merged list holding it (p50/p99).
 * Not a test: figures only. `npm run bench:client` after `npx tsc -p tsconfig.build.json`.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { silentLogger } from '../common/log.js';
import { hex } from '../crypto/bytes.js';
import { newHostKeypair, newMachineId } from '../crypto/host.js';
import { type DeviceRecord } from '../crypto/record.js';
import { sealDevice } from '../crypto/registry.js';
import { newWallet, type Wallet } from '../crypto/wallet.js';
import { createDiscovery, discoverOnce } from '../client/discovery.js';
import { OpenedRegistry, parseRegistryBody } from '../client/entries.js';
import { mergeRows } from '../client/merge.js';
import { memoryStore } from '../client/store.js';
import { startRelay } from '../relay/server.js';

const DEVICES = 256;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const WATCH_RUNS = Number(process.env.BENCH_WATCH_RUNS ?? 200);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number): string => `${x.toFixed(2)} ms`;
const line = (label: string, xs: number[]): void =>
  console.log(`  ${label.padEnd(46)} p50 ${ms(pct(xs, 50)).padStart(10)}  p99 ${ms(pct(xs, 99)).padStart(10)}  mean ${ms(xs.reduce((a, b) => a + b, 0) / xs.length).padStart(10)}`);

const relay = await startRelay({ port: 0, graceSeconds: 0, log: silentLogger, statsSeconds: 0, maxConnectionsPerWallet: 1024, maxRequestsPerSecondPerIp: 1e6, maxRequestBurstPerIp: 1e6 });
const sockets: WebSocket[] = [];

function rec(name: string): DeviceRecord {
  return { v: 1, name, host_pub: hex.encode(newHostKeypair().publicKey), signal_url: relay.url, ts: Math.floor(Date.now() / 1000) };
}

/** One raw agent: registers, publishes `blob`, stays connected. */
async function agent(owner: string, machineId: string, blob: string): Promise<WebSocket> {
  const ws = new WebSocket(`${relay.url}/agent/signal?owner_id=${owner}&machine_id=${machineId}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify({ type: 'registry', registry: blob }));
  sockets.push(ws);
  return ws;
}

async function waitCount(wallet: string, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const body = (await (await fetch(`${relay.httpUrl}/registry?wallet=${wallet}`)).json()) as unknown[];
    if (body.length === n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`relay never listed ${n} entries`);
}

/** A wallet with `DEVICES` entries, `forged` of them sealed under another wallet's key. */
async function populate(forged: number): Promise<Wallet> {
  const w = newWallet();
  const stranger = newWallet();
  const jobs: Array<Promise<WebSocket>> = [];
  for (let i = 0; i < DEVICES; i++) {
    const id = newMachineId();
    const key = i < forged ? stranger.registryKey : w.registryKey;
    jobs.push(agent(w.address, id, sealDevice(key, rec(`device-${String(i).padStart(3, '0')}`), id)));
  }
  await Promise.all(jobs);
  await waitCount(w.address, DEVICES);
  return w;
}

async function measureList(label: string, w: Wallet, expectListed: number): Promise<void> {
  const total: number[] = [];
  const fetchT: number[] = [];
  const openT: number[] = [];
  const mergeT: number[] = [];
  for (let i = 0; i < RUNS + 3; i++) {
    // End to end: GET, open every blob, merge, announce (all new: a fresh store each run).
    const t0 = performance.now();
    const r = await discoverOnce({ wallet: w, relayUrl: relay.url, store: memoryStore(), timeoutMs: 10_000 });
    const t1 = performance.now();
    if (r.view.devices.length !== expectListed) throw new Error(`listed ${r.view.devices.length}, expected ${expectListed}`);
    // The parts, on the same data.
    const f0 = performance.now();
    const body = await (await fetch(`${relay.httpUrl}/registry?wallet=${w.address}`)).json();
    const f1 = performance.now();
    const reg = new OpenedRegistry(w.registryKey, new Map());
    reg.apply({ kind: 'replace', entries: parseRegistryBody(body)! });
    const f2 = performance.now();
    mergeRows([], reg.opened);
    const f3 = performance.now();
    if (i < 3) continue; // warm-up
    total.push(t1 - t0);
    fetchT.push(f1 - f0);
    openT.push(f2 - f1);
    mergeT.push(f3 - f2);
  }
  console.log(`${label} (${RUNS} runs)`);
  line('fetch + open + merge + notify (end to end)', total);
  line('  GET /registry + JSON', fetchT);
  line(`  open ${DEVICES} blobs (K_reg, AAD = machine_id)`, openT);
  line('  merge + sort', mergeT);
}

async function measureWatch(): Promise<void> {
  const w = newWallet();
  const id = newMachineId();
  const ws = await agent(w.address, id, sealDevice(w.registryKey, rec('watch-0'), id));
  await waitCount(w.address, 1);
  const d = createDiscovery({ wallet: w, relayUrl: relay.url, store: memoryStore(), WebSocket: WebSocket as unknown as new (url: string) => object });
  let want = 'watch-0';
  let resolveSeen: (() => void) | null = null;
  d.subscribe((view) => {
    if (resolveSeen && view.devices.some((r) => r.name === want)) resolveSeen();
  });
  d.start();
  for (let i = 0; i < 500 && d.getState() !== 'live'; i++) await new Promise((r) => setTimeout(r, 10));
  const lat: number[] = [];
  for (let i = 1; i <= WATCH_RUNS + 5; i++) {
    want = `watch-${i}`;
    const frame = JSON.stringify({ type: 'registry', registry: sealDevice(w.registryKey, rec(want), id) });
    const seen = new Promise<void>((r) => (resolveSeen = r));
    const t0 = performance.now();
    ws.send(frame);
    await seen;
    if (i > 5) lat.push(performance.now() - t0);
    resolveSeen = null;
  }
  d.stop();
  console.log(`watch latency, agent publish → client merged list (${WATCH_RUNS} republishes)`);
  line('publish → view with the new name', lat);
}

console.log(`client discovery benchmark — relay ${relay.url}, node ${process.version}`);
const clean = await populate(0);
await measureList(`${DEVICES} devices of one wallet`, clean, DEVICES);
const forged = await populate(Math.round(DEVICES / 10));
await measureList(`${DEVICES} entries, ${Math.round(DEVICES / 10)} forged (10%)`, forged, DEVICES - Math.round(DEVICES / 10));
await measureWatch();

for (const s of sockets) s.terminate();
await relay.close();
