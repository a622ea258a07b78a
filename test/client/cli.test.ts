/**
 * `mir list`, `mir resolve`, `mir machines` as real processes (node dist/cli/mir.js) against a real
 * relay on loopback (issue #5).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hostFingerprint } from '../../crypto/host.js';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { storeWallet } from '../../home/wallet.js';
import { writeMachinesFile } from '../../home/files.js';
import { type RelayHandle } from '../../relay/server.js';
import { newMachineId, rawAgent, record, sealedAgent, tempDir, testRelay, waitRegistry, type RawAgent } from './helpers.js';

const MIR = join(process.cwd(), 'dist', 'cli', 'mir.js');

beforeAll(() => {
  // Build only when dist is missing or older than this part's sources (npm test builds first).
  const srcs = ['cli/discovery.ts', 'client/discovery.ts', 'client/node.ts', 'client/entries.ts', 'client/merge.ts', 'machines/clientMachine.ts'];
  const built = join(process.cwd(), 'dist', 'client', 'discovery.js');
  const stale = !existsSync(MIR) || !existsSync(built) || srcs.some((s) => statSync(s).mtimeMs > statSync(built).mtimeMs);
  if (stale) {
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'ignore' });
    } catch {
      // tsc still emits when a sibling's unfinished file has a type error.
    }
  }
}, 120_000);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs mir asynchronously (the relay lives in this process and must keep serving). */
function mir(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MIR, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, stdout, stderr });
    });
  });
}

const wallet = newWallet();
let relay: RelayHandle | undefined;
let agents: RawAgent[] = [];
const cleanups: Array<() => void> = [];

function home(): string {
  const t = tempDir('mir-cli-');
  cleanups.push(t.cleanup);
  storeWallet(t.dir, wallet);
  return t.dir;
}

afterEach(async () => {
  await Promise.all(agents.map((a) => a.close()));
  agents = [];
  await relay?.close();
  relay = undefined;
});
afterAll(() => cleanups.forEach((c) => c()));

const localBox = { name: 'nas', machine_id: 'nas01', host_pub: 'e'.repeat(64), signal_url: 'ws://10.0.0.2:8787' };

describe('mir list', () => {
  it('announces a new device once on stderr, and never again in a later run', async () => {
    relay = await testRelay();
    const id = newMachineId();
    const rec = record('mini', undefined, relay.url);
    agents.push(await sealedAgent(relay.url, wallet, rec, id));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 1);
    const h = home();

    const first = await mir(['list', '--relay', relay.url, '--home', h]);
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('📣 new device "mini" joined your wallet');
    expect(first.stdout).toMatch(/^NAME\s+MACHINE_ID\s+HOST KEY\s+SOURCE\s+ONLINE/);
    expect(first.stdout).toContain(id);
    expect(first.stdout).toContain(hostFingerprint(rec.host_pub));
    expect(first.stdout).toMatch(/mini\s+\S+\s+\S+\s+registry\s+yes/);
    expect(JSON.parse(readFileSync(join(h, 'seen.json'), 'utf8')).seen[id]).toBe(rec.ts);

    const second = await mir(['list', '--relay', relay.url, '--home', h]);
    expect(second.code).toBe(0);
    expect(second.stderr).not.toContain('📣');
    expect(second.stdout).toContain(id);
  });

  it('prints the SPEC §6 JSON array: local machines first, then the registry', async () => {
    relay = await testRelay();
    const id = newMachineId();
    agents.push(await sealedAgent(relay.url, wallet, record('studio', undefined, relay.url), id));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 1);
    const h = home();
    writeMachinesFile(h, { machines: [localBox] });
    const r = await mir(['list', '--json', '--home', h], { MIR_RELAY: relay.url });
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(list.map((m) => Object.keys(m))).toEqual([
      ['name', 'machine_id', 'host_pub', 'signal_url', 'source', 'online'],
      ['name', 'machine_id', 'host_pub', 'signal_url', 'source', 'online'],
    ]);
    expect(list[0]).toEqual({ ...localBox, source: 'local', online: false });
    expect(list[1]).toMatchObject({ name: 'studio', machine_id: id, source: 'registry', online: true, signal_url: relay.url });
  });

  it('with --debug counts the entries that did not open, and lists the rest', async () => {
    relay = await testRelay();
    const forgedId = newMachineId();
    agents.push(await rawAgent(relay.url, wallet.address, forgedId, sealDevice(newWallet().registryKey, record('forged'), forgedId)));
    agents.push(await sealedAgent(relay.url, wallet, record('real')));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 2);
    const r = await mir(['list', '--json', '--debug', '--relay', relay.url, '--home', home()]);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Array<{ name: string }>).map((m) => m.name)).toEqual(['real']);
    expect(r.stderr).toContain('dropped 1 registry entry that did not open');
  });

  it('with the relay down lists the local machines, says so on stderr and exits 0', async () => {
    relay = await testRelay();
    const url = relay.url;
    await relay.close();
    relay = undefined;
    const h = home();
    writeMachinesFile(h, { machines: [localBox] });
    const r = await mir(['list', '--relay', url, '--home', h, '--timeout', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/nas\s+nas01\s+eeee:eeee:eeee:eeee\s+local\s+no/);
    expect(r.stderr).toContain(`the registry at ${url} could not be reached`);
    expect(r.stderr).toContain('local machines only');
  });

  it('exits non-zero when nothing could be listed and the registry was asked for with --relay', async () => {
    relay = await testRelay();
    const url = relay.url;
    await relay.close();
    relay = undefined;
    const r = await mir(['list', '--relay', url, '--home', home(), '--timeout', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('could not be reached');
  });
});

describe('mir resolve', () => {
  async function twoStudios(): Promise<string> {
    relay = await testRelay();
    agents.push(await sealedAgent(relay.url, wallet, record('studio'), 'studio-a'));
    agents.push(await sealedAgent(relay.url, wallet, record('studio'), 'studio-b'));
    agents.push(await sealedAgent(relay.url, wallet, record('laptop'), 'laptop-1'));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 3);
    const h = home();
    writeMachinesFile(h, { machines: [localBox] });
    return h;
  }

  it('finds one machine by name, local first, as SPEC §6 JSON', async () => {
    const h = await twoStudios();
    const laptop = await mir(['resolve', 'laptop', '--json', '--relay', relay!.url, '--home', h]);
    expect(laptop.code).toBe(0);
    expect(JSON.parse(laptop.stdout)).toMatchObject({ name: 'laptop', machine_id: 'laptop-1', source: 'registry', online: true });
    const nas = await mir(['resolve', 'nas', '--json', '--relay', relay!.url, '--home', h]);
    expect(JSON.parse(nas.stdout)).toEqual({ ...localBox, source: 'local', online: false });
  });

  it('refuses an ambiguous name listing both machine_ids, unless --machine-id picks one', async () => {
    const h = await twoStudios();
    const amb = await mir(['resolve', 'studio', '--relay', relay!.url, '--home', h]);
    expect(amb.code).toBe(3);
    expect(amb.stderr).toContain('studio-a');
    expect(amb.stderr).toContain('studio-b');
    expect(amb.stderr).toContain('--machine-id');
    const picked = await mir(['resolve', 'studio', '--json', '--machine-id', 'studio-b', '--relay', relay!.url, '--home', h]);
    expect(picked.code).toBe(0);
    expect(JSON.parse(picked.stdout).machine_id).toBe('studio-b');
  });

  it('exits non-zero for an unknown name and names the close ones', async () => {
    const h = await twoStudios();
    const r = await mir(['resolve', 'studoi', '--relay', relay!.url, '--home', h]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe('mir: no machine named "studoi"; close: "studio"');
  });
});

describe('mir machines', () => {
  it('adds, lists and removes machines.json entries, refusing bad ones with one line', async () => {
    const h = home();
    const add = ['machines', 'add', '--home', h, '--name', 'nas', '--machine-id', 'nas01', '--host-pub', 'e'.repeat(64), '--signal-url', 'ws://10.0.0.2:8787'];
    expect((await mir(add)).code).toBe(0);
    const dup = await mir(add);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('already holds machine_id nas01');
    const bad = await mir(['machines', 'add', '--home', h, '--name', 'x', '--machine-id', 'x1', '--host-pub', 'zz', '--signal-url', 'ws://a']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual(['mir: --host-pub must be 64 lowercase hex (the X25519 public key)']);
    const list = await mir(['machines', 'list', '--json', '--home', h]);
    expect(JSON.parse(list.stdout)).toEqual([localBox]);
    expect((await mir(['machines', 'remove', 'nas01', '--home', h])).code).toBe(0);
    expect(JSON.parse((await mir(['machines', 'list', '--json', '--home', h])).stdout)).toEqual([]);
    const gone = await mir(['machines', 'remove', 'nas01', '--home', h]);
    expect(gone.code).toBe(1);
  });
});
