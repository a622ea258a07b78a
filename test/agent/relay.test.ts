// The agent runtime against the real relay (relay/server.ts) over real WebSockets on loopback
// (issue #4): register and publish, reconnect-republish after a relay restart, rename and
// relay switches on the live registration, quiet retries while the relay is down.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { startAgentRuntime, type AgentRuntime, type AgentRuntimeOptions } from '../../agent/runtime.js';
import { loadOrCreateAgentFile, newAgentFile, renameAgent } from '../../agent/config.js';
import { openDevice } from '../../crypto/registry.js';
import { newWallet, type Wallet } from '../../crypto/wallet.js';
import { writeAgentFile, readAgentFile } from '../../home/files.js';
import { Watcher } from './watcher.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const wallet = newWallet();
const quiet = () => {};

async function relay(port = 0): Promise<RelayHandle> {
  const r = await startRelay({ port, graceSeconds: 30, statsSeconds: 0, log: quiet });
  cleanups.push(() => r.close());
  return r;
}

function agent(opts: Partial<AgentRuntimeOptions> & { relayUrl?: string }, logs: string[] = []): AgentRuntime {
  const rt = startAgentRuntime({
    wallet,
    config: opts.home ? undefined : newAgentFile('box', opts.relayUrl!),
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
    ...opts,
  });
  cleanups.push(() => rt.stop());
  return rt;
}

function tempHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mir-agent-test-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'home');
}

async function listing(r: RelayHandle, w: Wallet = wallet): Promise<Array<{ machine_id: string; blob: string }>> {
  const url = `${r.httpUrl}/registry?wallet=${w.address}`;
  // A kept-alive connection to the relay that was just closed fails once; ask again.
  const res = await fetch(url).catch(() => fetch(url));
  expect(res.status).toBe(200);
  return (await res.json()) as Array<{ machine_id: string; blob: string }>;
}

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 8_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const nameIn = (blob: string, machineId: string) => openDevice(wallet.registryKey, blob, machineId)?.name;

describe('mir-agent runtime with the real relay', () => {
  it('registers and publishes a blob that opens under K_reg to its own record', async () => {
    const r = await relay();
    const rt = agent({ relayUrl: r.url });
    const [entry] = await waitFor(async () => ((await listing(r)).length ? listing(r) : undefined), 'the agent to be listed');
    expect(entry!.machine_id).toBe(rt.machineId);
    const record = openDevice(wallet.registryKey, entry!.blob, rt.machineId);
    expect(record).toMatchObject({ v: 1, name: 'box', host_pub: rt.config().host_pub, signal_url: r.url });
    expect(Math.abs(record!.ts - Date.now() / 1000)).toBeLessThan(60);
    // Sealed to this machine_id (AAD) and this wallet only.
    expect(openDevice(wallet.registryKey, entry!.blob, 'another-machine')).toBeNull();
    expect(openDevice(newWallet().registryKey, entry!.blob, rt.machineId)).toBeNull();
    expect(rt.state()).toBe('published');
  });

  it('is listed again with no one touching it after the relay restarts on the same port', async () => {
    const first = await relay();
    const rt = agent({ relayUrl: first.url, backoff: { baseMs: 200 } });
    await waitFor(async () => (await listing(first)).length === 1, 'listed on the first relay');
    await first.close();
    await waitFor(() => rt.state() === 'backoff' || rt.state() === 'connecting', 'the agent to notice the drop');
    const second = await relay(first.port);
    expect(await listing(second)).toEqual([]); // stateless: the new relay starts empty
    const [entry] = await waitFor(async () => ((await listing(second)).length ? listing(second) : undefined), 'listed again');
    expect(entry!.machine_id).toBe(rt.machineId);
    expect(nameIn(entry!.blob, rt.machineId)).toBe('box');
    expect(rt.stats.readies).toBe(2);
  });

  it('republishes a rename on the live socket: watchers see the new name, same machine_id, no reconnect', async () => {
    const r = await relay();
    const home = tempHome();
    loadOrCreateAgentFile(home, { name: 'old-name', relayUrl: r.url, defaultRelayUrl: r.url });
    const watcher = await Watcher.open(r.url, wallet.address);
    cleanups.push(() => watcher.close());
    const rt = agent({ home });
    await watcher.until((m) => m.type === 'upsert' && nameIn(m.entry.blob, rt.machineId) === 'old-name', 'the first publish');
    const seen = watcher.messages.length;
    renameAgent(home, 'new-name'); // what `mir-agent rename` does; the agent notices the file
    const m = await watcher.until((x) => x.type === 'upsert' && nameIn(x.entry.blob, rt.machineId) === 'new-name', 'the renamed upsert', 8_000, seen);
    expect(m.type === 'upsert' && m.entry.machine_id).toBe(rt.machineId);
    expect(watcher.messages.slice(seen).some((x) => x.type === 'remove')).toBe(false);
    expect(rt.stats.attempts).toBe(1);
    expect(rt.config().name).toBe('new-name');
  });

  it('re-reads agent.json on reload (SIGHUP) and republishes a changed name', async () => {
    const r = await relay();
    const home = tempHome();
    const { file } = loadOrCreateAgentFile(home, { name: 'before', relayUrl: r.url, defaultRelayUrl: r.url });
    const rt = agent({ home, watch: false });
    await waitFor(async () => (await listing(r)).length === 1, 'listed');
    writeAgentFile(home, { ...file, name: 'after' });
    rt.reload();
    await waitFor(async () => nameIn((await listing(r))[0]?.blob ?? '', rt.machineId) === 'after', 'the new name listed');
    expect(rt.stats.attempts).toBe(1);
  });

  it('keeps serving with its last good config when agent.json turns corrupt, and says so once', async () => {
    const r = await relay();
    const home = tempHome();
    loadOrCreateAgentFile(home, { name: 'steady', relayUrl: r.url, defaultRelayUrl: r.url });
    const logs: string[] = [];
    const rt = agent({ home, watch: false }, logs);
    await waitFor(async () => (await listing(r)).length === 1, 'listed');
    writeFileSync(join(home, 'agent.json'), '{"name": ');
    rt.reload();
    const line = logs.map((l) => JSON.parse(l) as Record<string, string>).find((l) => l.event === 'config-error');
    expect(line?.error).toMatch(/agent\.json is corrupt/);
    expect(rt.state()).toBe('published');
    expect(rt.config().name).toBe('steady');
    expect(nameIn((await listing(r))[0]!.blob, rt.machineId)).toBe('steady');
  });

  it('moves to a new relay URL at once and says bye to the old one', async () => {
    const a = await relay();
    const b = await relay();
    const home = tempHome();
    loadOrCreateAgentFile(home, { relayUrl: a.url, defaultRelayUrl: a.url });
    const rt = agent({ home });
    await waitFor(async () => (await listing(a)).length === 1, 'listed on relay A');
    rt.setRelay(b.url);
    const [entry] = await waitFor(async () => ((await listing(b)).length ? listing(b) : undefined), 'listed on relay B');
    expect(openDevice(wallet.registryKey, entry!.blob, rt.machineId)?.signal_url).toBe(b.url);
    // A's grace is 30 s, so an empty list there means the bye was heard.
    await waitFor(async () => (await listing(a)).length === 0, 'gone from relay A');
    expect(readAgentFile(home)!.relay_url).toBe(b.url);
    expect(statSync(join(home, 'agent.json')).mode & 0o777).toBe(0o600);
  });

  it('keeps a quiet connection through many heartbeats: the real relay answers every ping', async () => {
    const r = await relay();
    const rt = agent({ relayUrl: r.url, backoff: { heartbeatMs: 40 } });
    await waitFor(async () => (await listing(r)).length === 1, 'listed');
    await new Promise((res) => setTimeout(res, 600)); // ~15 heartbeat intervals
    expect(rt.stats.drops).toBe(0);
    expect(rt.stats.attempts).toBe(1);
    expect(await listing(r)).toHaveLength(1);
  });

  it('keeps retrying a relay that is down at start, logging it once, and registers when it comes up', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const logs: string[] = [];
    const rt = agent({ relayUrl: `ws://127.0.0.1:${port}`, backoff: { baseMs: 10, capMs: 80 } }, logs);
    await waitFor(() => rt.stats.attempts >= 6, 'several failed attempts');
    const r = await relay(port);
    await waitFor(async () => (await listing(r)).length === 1, 'listed once the relay is up');
    const events = logs.map((l) => (JSON.parse(l) as { event: string }).event);
    expect(rt.stats.attempts).toBeGreaterThanOrEqual(6);
    expect(events.filter((e) => e === 'unreachable')).toHaveLength(1);
    expect(events.filter((e) => e === 'connect')).toHaveLength(1);
    expect(events).toContain('ready');
  });
});
