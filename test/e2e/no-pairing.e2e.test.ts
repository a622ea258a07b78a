// Issue #8: the whole system with real processes on loopback — the built binaries, not
// in-process shortcuts. A machine that has the wallet appears by name everywhere, with no
// pairing; strangers and forgers never show; the relay keeps nothing and rebuilds from agents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { base64 } from '../../crypto/bytes.js';
import { newHostKeypair } from '../../crypto/host.js';
import { registryKey, sealDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { hex, randomBytes } from '../../crypto/bytes.js';
import { run } from '../helpers/run.js';
import { homeWithWallet, newPhrase, startProc, startRelayProc, stopAll, tempDir, waitFor, type RelayProc } from './procs.js';

interface Listed {
  name: string;
  machine_id: string;
  host_pub: string;
  signal_url: string;
  source: string;
  online: boolean;
}

afterEach(stopAll);

async function list(home: string, relay: RelayProc): Promise<Listed[]> {
  const r = await run('mir', ['list', '--json', '--relay', relay.url, '--home', home]);
  if (r.code !== 0) throw new Error(`mir list exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Listed[];
}
const names = (l: Listed[]) => l.map((m) => m.name).sort();
const agentFile = (home: string) => JSON.parse(readFileSync(join(home, 'agent.json'), 'utf8')) as { machine_id: string; host_pub: string };

function rawAgent(relay: RelayProc, ownerId: string, machineId: string, blob: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${relay.url}/agent/signal?owner_id=${ownerId}&machine_id=${machineId}`);
    ws.once('error', reject);
    ws.once('open', () => {
      ws.send(JSON.stringify({ type: 'registry', registry: blob }));
      resolve(ws);
    });
  });
}

describe('no pairing, end to end', () => {
  it('a new machine with only the phrase appears by name in mir list on another home of the wallet', async () => {
    const relay = await startRelayProc();
    const { phrase } = await newPhrase();
    const laptop = await homeWithWallet(phrase);
    const box = await homeWithWallet(phrase);
    startProc('mir-agent', ['--relay', relay.url, '--name', 'build-box', '--home', box]);
    const listed = await waitFor('build-box listed on the laptop', async () => (await list(laptop, relay)).find((m) => m.name === 'build-box'));
    expect(listed).toMatchObject({ name: 'build-box', source: 'registry', online: true, machine_id: agentFile(box).machine_id, signal_url: relay.url });
    // No manual step happened: the laptop has no machines.json at all.
    expect(readdirSync(laptop)).not.toContain('machines.json');
  });

  it('mir resolve NAME returns the host key the agent holds, authenticated by the wallet seal', async () => {
    const relay = await startRelayProc();
    const { phrase } = await newPhrase();
    const laptop = await homeWithWallet(phrase);
    const box = await homeWithWallet(phrase);
    startProc('mir-agent', ['--relay', relay.url, '--name', 'mini', '--home', box]);
    const resolved = await waitFor('mini resolved', async () => {
      const r = await run('mir', ['resolve', 'mini', '--json', '--relay', relay.url, '--home', laptop]);
      return r.code === 0 ? (JSON.parse(r.stdout) as Listed) : null;
    });
    expect(resolved.host_pub).toBe(agentFile(box).host_pub);
    expect(resolved.machine_id).toBe(agentFile(box).machine_id);
  });

  it('a machine of another wallet never shows, and a forged record under your wallet is dropped silently', async () => {
    const relay = await startRelayProc();
    const mine = await newPhrase();
    const theirs = await newPhrase();
    const laptop = await homeWithWallet(mine.phrase);
    startProc('mir-agent', ['--relay', relay.url, '--name', 'mine', '--home', await homeWithWallet(mine.phrase)]);
    startProc('mir-agent', ['--relay', relay.url, '--name', 'theirs', '--home', await homeWithWallet(theirs.phrase)]);
    // A forger who knows the wallet address (it is public) but not the wallet.
    const forged = sealDevice(registryKey(newWallet().secret), { v: 1, name: 'evil-twin', host_pub: hex.encode(newHostKeypair().publicKey), signal_url: relay.url, ts: Math.floor(Date.now() / 1000) }, 'f0f0f0f0f0f0f0f0');
    const sockets = [
      await rawAgent(relay, mine.address, 'f0f0f0f0f0f0f0f0', forged),
      await rawAgent(relay, mine.address, 'garbage0garbage0', base64.encode(randomBytes(120))),
    ];
    // The relay lists all three under the wallet; the client shows only the real one.
    await waitFor('relay holds the forged entries', async () => ((await (await fetch(`${relay.httpUrl}/registry?wallet=${mine.address}`)).json()) as unknown[]).length === 3);
    const l = await waitFor('mine listed', async () => {
      const got = await list(laptop, relay);
      return got.some((m) => m.name === 'mine') ? got : null;
    });
    expect(names(l)).toEqual(['mine']);
    const theirsHome = await homeWithWallet(theirs.phrase);
    expect(names(await list(theirsHome, relay))).toEqual(['theirs']);
    sockets.forEach((s) => s.close());
  });

  it('after a relay restart everything is listed again within seconds, with no one touching the agents', async () => {
    const first = await startRelayProc();
    const { phrase } = await newPhrase();
    const laptop = await homeWithWallet(phrase);
    for (const n of ['alpha', 'beta', 'gamma']) startProc('mir-agent', ['--relay', first.url, '--name', n, '--home', await homeWithWallet(phrase)]);
    await waitFor('three listed', async () => (await list(laptop, first)).length === 3);
    expect(await first.stop('SIGKILL')).toBe(null);
    const second = await startRelayProc(first.port);
    const t0 = Date.now();
    const again = await waitFor('three listed again', async () => {
      const l = await list(laptop, second);
      return l.length === 3 ? l : null;
    }, 40_000, 250);
    expect(names(again)).toEqual(['alpha', 'beta', 'gamma']);
    expect(Date.now() - t0).toBeLessThan(40_000);
  });

  it('the relay writes nothing to disk, and a fresh relay lists nothing', async () => {
    const jail = tempDir('mir-relay-jail-');
    const relay = await startRelayProc(0, [], { cwd: jail, env: { HOME: jail, TMPDIR: jail, XDG_CONFIG_HOME: jail, MIR_HOME: jail } });
    const { phrase, address } = await newPhrase();
    startProc('mir-agent', ['--relay', relay.url, '--name', 'disk-test', '--home', await homeWithWallet(phrase)]);
    await waitFor('listed', async () => ((await (await fetch(`${relay.httpUrl}/registry?wallet=${address}`)).json()) as unknown[]).length === 1);
    expect(await relay.stop('SIGTERM')).toBe(0);
    expect(readdirSync(jail)).toEqual([]);
    const fresh = await startRelayProc();
    expect(await (await fetch(`${fresh.httpUrl}/registry?wallet=${address}`)).json()).toEqual([]);
  });
});
