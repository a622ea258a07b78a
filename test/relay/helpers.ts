// Test helpers for the relay (issue #3): a real relay on loopback (port 0), and reference-style
// peers that speak only the SPEC §3 wire with raw `ws` and fetch.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { base58 } from '../../crypto/bytes.js';
import { startRelay, type RelayHandle, type RelayOptions } from '../../relay/server.js';

export const cleanups: Array<() => unknown> = [];

/** Runs every cleanup registered by the test, newest first (call in afterEach). */
export async function cleanup(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

export interface TestRelay extends RelayHandle {
  /** Every log line, parsed. */
  logs: Array<Record<string, unknown>>;
}

/** A relay on 127.0.0.1:0 with quick timers, closed after the test. */
export async function relay(options: Partial<RelayOptions> = {}): Promise<TestRelay> {
  const logs: Array<Record<string, unknown>> = [];
  const r = await startRelay({ port: 0, graceSeconds: 30, statsSeconds: 0, webDir: '/nonexistent-mir-web', log: (event, fields) => logs.push({ event, ...fields }), ...options });
  cleanups.push(() => r.close());
  return Object.assign(r, { logs });
}

export const newWalletAddress = (): string => base58.encode(randomBytes(32));
export const newMachine = (): string => randomBytes(8).toString('hex');
export const newBlob = (n = 180): string => randomBytes(n).toString('base64');

/** A peer socket with everything it received and how it closed. */
export interface Peer {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  /** Resolves with the close code once the socket is closed. */
  closed: Promise<number>;
  /** True while the peer answers pings (clear it to play a dead machine). */
  answerPings: boolean;
}

/** Opens a WebSocket; resolves once open, rejects with `status` on an HTTP refusal. */
export function open(url: string, headers: Record<string, string> = {}): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, autoPong: false, perMessageDeflate: false });
    const peer: Peer = {
      ws,
      messages: [],
      answerPings: true,
      closed: new Promise((r) => ws.once('close', (code) => r(code))),
    };
    ws.on('ping', (d) => {
      if (peer.answerPings) ws.pong(d);
    });
    ws.on('message', (d) => {
      try {
        peer.messages.push(JSON.parse(d.toString()) as Record<string, unknown>);
      } catch {
        peer.messages.push({ raw: d.toString() });
      }
    });
    ws.once('open', () => resolve(peer));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
    cleanups.push(() => ws.terminate());
  });
}

/** A reference-style agent: connect with owner_id/machine_id and optional headers. */
export function agent(r: RelayHandle, wallet: string, machineId: string, headers: Record<string, string> = {}): Promise<Peer> {
  return open(`${r.url}/agent/signal?owner_id=${encodeURIComponent(wallet)}&machine_id=${encodeURIComponent(machineId)}`, headers);
}

/** The HTTP status an upgrade was refused with (0 when it was accepted). */
export async function refusedWith(p: Promise<Peer>): Promise<number> {
  try {
    const peer = await p;
    peer.ws.terminate();
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? -1;
  }
}

export function publish(peer: Peer, blob: string): void {
  peer.ws.send(JSON.stringify({ type: 'registry', registry: blob }));
}

export function watch(r: RelayHandle, wallet: string): Promise<Peer> {
  return open(`${r.url}/registry/watch?wallet=${encodeURIComponent(wallet)}`);
}

export async function list(r: RelayHandle, wallet: string): Promise<Array<{ machine_id: string; blob: string }>> {
  const url = `${r.httpUrl}/registry?wallet=${encodeURIComponent(wallet)}`;
  // A kept-alive connection to a relay that was just closed fails once; ask again.
  const res = await fetch(url).catch(() => fetch(url));
  if (res.status !== 200) throw new Error(`GET /registry gave ${res.status}`);
  return (await res.json()) as Array<{ machine_id: string; blob: string }>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `fn` gives a truthy value, or fails naming `what`. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(15);
  }
}

/** Waits until the wallet's listing is exactly these entries. */
export async function listedAs(r: RelayHandle, wallet: string, entries: Array<{ machine_id: string; blob: string }>, timeoutMs = 5_000): Promise<void> {
  const want = JSON.stringify([...entries].sort((a, b) => (a.machine_id < b.machine_id ? -1 : 1)));
  let got = '';
  await waitFor(async () => (got = JSON.stringify(await list(r, wallet))) === want, `listing ${want} (last ${got})`, timeoutMs).catch(() => {
    throw new Error(`listing ${got}, want ${want}`);
  });
}
