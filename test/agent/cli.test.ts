// The real `mir-agent` binary (dist/cli/mir-agent.js, built by `npm test`'s pretest) against the
// real relay on loopback (issue #4): first-run setup, clean leave on SIGTERM with no grace,
// `mir-agent rename` on a running agent, and the no-wallet error.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRelay, type RelayHandle } from '../../relay/server.js';
import { openDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { storeWallet } from '../../home/wallet.js';
import { bin, run } from '../helpers/run.js';
import { Watcher, type WatchMessage } from './watcher.js';
import { waitForListening } from '../../relay/announce.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const wallet = newWallet();

async function relay(): Promise<RelayHandle> {
  // A long grace: an entry that vanishes quickly can only have left by `bye`.
  const r = await startRelay({ port: 0, graceSeconds: 60, statsSeconds: 0, log: () => {} });
  cleanups.push(() => r.close());
  return r;
}

function home(withWallet = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'mir-agent-cli-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const h = join(dir, 'home');
  if (withWallet) storeWallet(h, wallet);
  return h;
}

interface AgentProc {
  child: ChildProcess;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startAgent(args: string[]): AgentProc {
  const child = spawn(process.execPath, [bin('mir-agent'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  // 'close', not 'exit': stderr is fully read by then.
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stderr: () => err, exit };
}

const events = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });

const agentJson = (h: string) => JSON.parse(readFileSync(join(h, 'agent.json'), 'utf8')) as { machine_id: string; name: string; relay_url: string; host_pub: string };
const isUpsertFor = (machineId: string, name: string) => (m: WatchMessage) =>
  m.type === 'upsert' && m.entry.machine_id === machineId && openDevice(wallet.registryKey, m.entry.blob, machineId)?.name === name;

describe('mir-agent (the binary)', () => {
  it('refuses to start without a wallet, in one line naming the command to run, and creates nothing', async () => {
    const h = home(false);
    const r = await run('mir-agent', ['--home', h, '--relay', 'ws://127.0.0.1:9']);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('mir wallet new');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(h, 'agent.json'))).toBe(false);
  });

  it('refuses a bad --name with one line and exit 2', async () => {
    const r = await run('mir-agent', ['--home', home(), '--name', 'a\u0007b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^mir-agent: --name: .*control characters\n$/);
  });

  it('creates agent.json 0600 on first run, pins its wallet, publishes, and on SIGTERM leaves at once and exits 0', async () => {
    const r = await relay();
    const h = home();
    const watcher = await Watcher.open(r.url, wallet.address);
    cleanups.push(() => watcher.close());
    const a = startAgent(['--home', h, '--relay', r.url, '--name', 'cli-box']);
    const file = await waitForFile(h);
    expect(statSync(join(h, 'agent.json')).mode & 0o777).toBe(0o600);
    expect(file).toMatchObject({ name: 'cli-box', relay_url: r.url });
    await watcher.until(isUpsertFor(file.machine_id, 'cli-box'), 'the agent published');
    expect(JSON.parse(readFileSync(join(h, 'owners.json'), 'utf8'))).toEqual({ owners: [wallet.address] });

    const seen = watcher.messages.length;
    a.child.kill('SIGTERM');
    // The relay's grace is 60 s: a remove inside this test's bounds means it heard `bye`.
    await watcher.until((m) => m.type === 'remove' && m.machine_id === file.machine_id, 'the entry removed', 8_000, seen);
    expect(await a.exit).toBe(0);
    expect(events(a.stderr()).map((e) => e.event)).toEqual(expect.arrayContaining(['start', 'connect', 'ready', 'published', 'signal', 'bye', 'stopped']));

    // A second run reuses the identity; --name updates agent.json; the owner pin stays single.
    const b = startAgent(['--home', h, '--relay', r.url, '--name', 'cli-box-2']);
    await watcher.until(isUpsertFor(file.machine_id, 'cli-box-2'), 'the same machine under its new name');
    expect(agentJson(h)).toMatchObject({ machine_id: file.machine_id, host_pub: file.host_pub, name: 'cli-box-2' });
    expect(JSON.parse(readFileSync(join(h, 'owners.json'), 'utf8'))).toEqual({ owners: [wallet.address] });
    b.child.kill('SIGINT');
    expect(await b.exit).toBe(0);
  });

  it('refuses a second agent on the same home in one line, and takes over the lock of a killed one', async () => {
    const r = await relay();
    const h = home();
    const a = startAgent(['--home', h, '--relay', r.url, '--name', 'only-one']);
    await waitForFile(h);
    const second = await run('mir-agent', ['--home', h, '--relay', r.url]);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(new RegExp(`^mir-agent: another mir-agent \\(pid ${a.child.pid}\\) is already running for .*\n$`));
    a.child.kill('SIGKILL');
    await a.exit;
    expect(existsSync(join(h, 'agent.lock'))).toBe(true); // a SIGKILL leaves it behind
    const b = startAgent(['--home', h, '--relay', r.url]);
    await waitUntil(() => b.stderr().includes('"event":"published"'), 'the next agent publishing');
    b.child.kill('SIGTERM');
    expect(await b.exit).toBe(0);
    expect(existsSync(join(h, 'agent.lock'))).toBe(false); // a clean exit removes it
  });

  it('`mir-agent rename` makes the running agent republish on its live socket: same machine_id, no reconnect', async () => {
    const r = await relay();
    const h = home();
    const watcher = await Watcher.open(r.url, wallet.address);
    cleanups.push(() => watcher.close());
    const a = startAgent(['--home', h, '--relay', r.url, '--name', 'before']);
    const file = await waitForFile(h);
    await watcher.until(isUpsertFor(file.machine_id, 'before'), 'the first publish');
    const seen = watcher.messages.length;

    const res = await run('mir-agent', ['rename', 'after', '--home', h]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"after"');
    await watcher.until(isUpsertFor(file.machine_id, 'after'), 'the renamed upsert', 8_000, seen);
    expect(watcher.messages.slice(seen).some((m) => m.type === 'remove')).toBe(false);
    // The log line is written when the frame has left; stderr may trail the watcher a little.
    await waitUntil(() => a.stderr().includes('"event":"republish"'), 'the republish log line');
    expect(events(a.stderr()).filter((e) => e.event === 'connect')).toHaveLength(1);
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
  });

  it('is listed again, untouched, after the mir-relay process is killed and started again on the same port', async () => {
    const first = await relayProc(0);
    const h = home();
    const a = startAgent(['--home', h, '--relay', first.url, '--name', 'survivor']);
    const file = await waitForFile(h);
    const listedOn = async (url: string) => {
      const res = await fetch(`${url.replace(/^ws/, 'http')}/registry?wallet=${wallet.address}`).catch(() => undefined);
      const entries = res?.ok ? ((await res.json()) as Array<{ machine_id: string; blob: string }>) : [];
      return entries.find((e) => e.machine_id === file.machine_id && openDevice(wallet.registryKey, e.blob, file.machine_id)?.name === 'survivor');
    };
    await waitUntilAsync(() => listedOn(first.url), 'listed on the first relay');
    first.child.kill('SIGKILL'); // a crash: no close frames, no goodbye
    await new Promise((r) => first.child.once('exit', r));
    const second = await relayProc(first.port);
    await waitUntilAsync(() => listedOn(second.url), 'listed on the restarted relay');
    await waitUntil(() => events(a.stderr()).filter((e) => e.event === 'ready').length >= 2, 'a second ready in the log');
    expect(events(a.stderr()).map((e) => e.event)).toContain('drop');
    a.child.kill('SIGTERM');
    expect(await a.exit).toBe(0);
  });

  it('`mir-agent rename` without an agent home says what to run first', async () => {
    const r = await run('mir-agent', ['rename', 'x', '--home', home()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mir-agent: no agent in .*run `mir-agent --home .*` first\n$/);
  });
});

interface RelayProc {
  child: ChildProcess;
  url: string;
  port: number;
}

/** A real `mir-relay` process; its first stdout line is its URL. */
async function relayProc(port: number): Promise<RelayProc> {
  const child = spawn(process.execPath, [bin('mir-relay'), '--listen', `127.0.0.1:${port}`, '--stats', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const url = await waitForListening(child);
  return { child, url, port: Number(new URL(url).port) };
}

async function waitUntilAsync<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitUntil(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 8_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForFile(h: string): Promise<ReturnType<typeof agentJson>> {
  const end = Date.now() + 8_000;
  while (!existsSync(join(h, 'agent.json'))) {
    if (Date.now() > end) throw new Error('agent.json was not created');
    await new Promise((r) => setTimeout(r, 20));
  }
  return agentJson(h);
}
