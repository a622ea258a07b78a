/**
 * The discovery runtime against a real relay over real WebSockets on loopback (issue #5): real
 * agents and raw agents (for forged, moved, truncated and garbage entries).
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { newAgentFile } from '../../agent/config.js';
import { startAgentRuntime, type AgentRuntime } from '../../agent/runtime.js';
import { silentLogger } from '../../common/log.js';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { createDiscovery, discoverOnce, type Discovery } from '../../client/discovery.js';
import { memoryStore } from '../../client/store.js';
import { type Notice } from '../../client/view.js';
import { type RelayHandle } from '../../relay/server.js';
import { newMachineId, rawAgent, record, sealedAgent, tempDir, testRelay, until, waitRegistry, type RawAgent } from './helpers.js';
import { discoverOnceNode } from '../../client/node.js';
import { readSeenFile, writeSeenFile } from '../../home/files.js';
import { storeWallet } from '../../home/wallet.js';

const wallet = newWallet();
const WS = WebSocket as unknown as new (url: string) => object;

let relay: RelayHandle | undefined;
let agents: RawAgent[] = [];
let runtimes: AgentRuntime[] = [];
let discoveries: Discovery[] = [];
let servers: Server[] = [];

afterEach(async () => {
  for (const d of discoveries) d.stop();
  await Promise.all(runtimes.map((r) => r.stop()));
  await Promise.all(agents.map((a) => a.close()));
  await relay?.close();
  for (const s of servers) await new Promise((r) => s.close(r));
  relay = undefined;
  agents = [];
  runtimes = [];
  discoveries = [];
  servers = [];
});

function live(opts: Partial<Parameters<typeof createDiscovery>[0]> = {}): { d: Discovery; notices: Notice[] } {
  const d = createDiscovery({ wallet, relayUrl: relay!.url, store: memoryStore(), WebSocket: WS, timeoutMs: 3000, ...opts });
  const notices: Notice[] = [];
  d.onNotice((n) => notices.push(n));
  discoveries.push(d);
  d.start();
  return { d, notices };
}

describe('discovery against a real relay', () => {
  it('lists real agents of the wallet by name, live, and follows them leaving', async () => {
    relay = await testRelay();
    const a = startAgentRuntime({ config: newAgentFile('studio', relay.url), wallet, watch: false, log: silentLogger });
    runtimes.push(a);
    const { d, notices } = live();
    await until(() => d.getView().devices.some((r) => r.name === 'studio'), 5000, 'studio listed');
    expect(d.getView().connection.kind).toBe('live');
    const row = d.getView().devices.find((r) => r.name === 'studio')!;
    expect(row).toMatchObject({ machine_id: a.machineId, source: 'registry', online: true, isNew: true, stale: false, signal_url: relay.url });
    expect(notices).toEqual([{ machine_id: a.machineId, name: 'studio' }]);

    const b = startAgentRuntime({ config: newAgentFile('laptop', relay.url), wallet, watch: false, log: silentLogger });
    runtimes.push(b);
    await until(() => d.getView().devices.length === 2, 5000, 'laptop listed');
    expect(d.getView().devices.map((r) => r.name)).toEqual(['laptop', 'studio']); // by name

    await b.stop();
    await until(() => d.getView().devices.length === 1, 5000, 'laptop gone');
    expect(d.getView().devices[0]!.name).toBe('studio');
  });

  it('drops forged, moved, truncated and garbage entries silently and keeps the rest intact', async () => {
    relay = await testRelay();
    const other = newWallet();
    const goodId = newMachineId();
    const good = sealDevice(wallet.registryKey, record('good'), goodId);
    const movedFrom = newMachineId();
    agents.push(await rawAgent(relay.url, wallet.address, goodId, good));
    // Sealed under another wallet's key, published in our wallet's list.
    const forgedId = newMachineId();
    agents.push(await rawAgent(relay.url, wallet.address, forgedId, sealDevice(other.registryKey, record('forged'), forgedId)));
    // A genuine blob of ours, sealed for one machine_id, published under another.
    agents.push(await rawAgent(relay.url, wallet.address, newMachineId(), sealDevice(wallet.registryKey, record('moved'), movedFrom)));
    // Truncated: a genuine blob cut short (still valid base64).
    agents.push(await rawAgent(relay.url, wallet.address, 'trunc1', sealDevice(wallet.registryKey, record('trunc'), 'trunc1').slice(0, 24)));
    // Garbage: not a blob at all.
    agents.push(await rawAgent(relay.url, wallet.address, 'garbage1', 'bm90IGEgYmxvYiBhdCBhbGwsIGp1c3QgdGV4dA=='));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 5);

    const r = await discoverOnce({ wallet, relayUrl: relay.url, store: memoryStore(), timeoutMs: 3000 });
    expect(r.reached).toBe(true);
    expect(r.view.devices.map((x) => [x.name, x.machine_id])).toEqual([['good', goodId]]);
    expect(r.view.dropped).toBe(4);
    expect(r.notices.map((n) => n.name)).toEqual(['good']);

    // The watch path drops them the same way.
    const { d } = live();
    await until(() => d.getState() === 'live', 5000, 'live');
    expect(d.getView().devices.map((x) => x.name)).toEqual(['good']);
    expect(d.getView().dropped).toBe(4);
  });

  it('flags a record whose ts goes backwards as stale but still shows it', async () => {
    relay = await testRelay();
    const id = newMachineId();
    const store = memoryStore({ seen: { [id]: 2_000_000_000 } });
    agents.push(await sealedAgent(relay.url, wallet, record('replayed', 1_900_000_000), id));
    const fresh = newMachineId();
    agents.push(await sealedAgent(relay.url, wallet, record('fresh', 1_900_000_000), fresh));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 2);
    const r = await discoverOnce({ wallet, relayUrl: relay.url, store, timeoutMs: 3000 });
    expect(r.view.devices.map((x) => [x.name, x.stale])).toEqual([
      ['fresh', false],
      ['replayed', true],
    ]);
    // The newest ts is kept, never lowered by the replay.
    expect(store.seen.get(id)).toBe(2_000_000_000);
    expect(store.seen.get(fresh)).toBe(1_900_000_000);

    // Live: a republish with an older ts than this client saw is flagged as it arrives.
    const { d } = live({ store });
    await until(() => d.getState() === 'live');
    agents[1]!.publish(sealDevice(wallet.registryKey, record('fresh', 1_800_000_000), fresh));
    await until(() => d.getView().devices.find((x) => x.machine_id === fresh)?.stale === true, 5000, 'fresh flagged stale');
  });

  it('announces each machine_id once: not again on reconnect, nor for a store that has seen it', async () => {
    relay = await testRelay();
    const id = newMachineId();
    agents.push(await sealedAgent(relay.url, wallet, record('mini'), id));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 1);
    const store = memoryStore();
    const first = await discoverOnce({ wallet, relayUrl: relay.url, store, timeoutMs: 3000 });
    expect(first.notices).toEqual([{ machine_id: id, name: 'mini' }]);
    expect(first.view.devices[0]!.isNew).toBe(true);
    const second = await discoverOnce({ wallet, relayUrl: relay.url, store, timeoutMs: 3000 });
    expect(second.notices).toEqual([]);
    expect(second.view.devices[0]!.isNew).toBe(false);
    // The device's own agent is never "new" to itself.
    const selfId = newMachineId();
    agents.push(await sealedAgent(relay.url, wallet, record('me'), selfId));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 2);
    const third = await discoverOnce({ wallet, relayUrl: relay.url, store, timeoutMs: 3000, selfMachineId: selfId });
    expect(third.notices).toEqual([]);
  });

  it('still lists when the seen set cannot be saved, and says so', async () => {
    relay = await testRelay();
    agents.push(await sealedAgent(relay.url, wallet, record('mini')));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 1);
    const store = { ...memoryStore(), saveSeen: () => { throw new Error('cannot write seen.json: ENOSPC'); } };
    const errors: unknown[] = [];
    const r = await discoverOnce({ wallet, relayUrl: relay.url, store, timeoutMs: 3000, onStoreError: (e) => errors.push(e) });
    expect(r.view.devices.map((x) => x.name)).toEqual(['mini']);
    expect(String(errors[0])).toContain('ENOSPC');
  });

  it('merges machines.json first: local wins by machine_id and is online when the registry lists it', async () => {
    relay = await testRelay();
    const sharedId = newMachineId();
    agents.push(await sealedAgent(relay.url, wallet, record('registry-name'), sharedId));
    agents.push(await sealedAgent(relay.url, wallet, record('alpha')));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 2);
    const local = [
      { name: 'zeta-local', machine_id: 'offline1', host_pub: 'a'.repeat(64), signal_url: 'ws://x' },
      { name: 'my-name', machine_id: sharedId, host_pub: 'b'.repeat(64), signal_url: 'ws://y' },
    ];
    const r = await discoverOnce({ wallet, relayUrl: relay.url, store: memoryStore({ local }), timeoutMs: 3000 });
    expect(r.view.devices.map((x) => [x.name, x.source, x.online])).toEqual([
      ['zeta-local', 'local', false],
      ['my-name', 'local', true],
      ['alpha', 'registry', true],
    ]);
    // A local machine is the user's own entry: no "new device" notice for it.
    expect(r.notices.map((n) => n.name)).toEqual(['alpha']);
  });

  it('lists both machines that claim the same name, told apart by machine_id', async () => {
    relay = await testRelay();
    agents.push(await sealedAgent(relay.url, wallet, record('twin'), 'bbbb'));
    agents.push(await sealedAgent(relay.url, wallet, record('twin'), 'aaaa'));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 2);
    const r = await discoverOnce({ wallet, relayUrl: relay.url, store: memoryStore(), timeoutMs: 3000 });
    expect(r.view.devices.map((x) => [x.name, x.machine_id])).toEqual([
      ['twin', 'aaaa'],
      ['twin', 'bbbb'],
    ]);
  });

  it('a relay that is down gives the local machines only, with the reason', async () => {
    relay = await testRelay();
    const url = relay.url;
    await relay.close();
    relay = undefined;
    const local = [{ name: 'box', machine_id: 'box1', host_pub: 'c'.repeat(64), signal_url: 'ws://x' }];
    const r = await discoverOnce({ wallet, relayUrl: url, store: memoryStore({ local }), timeoutMs: 2000 });
    expect(r.reached).toBe(false);
    expect(r.view.connection.kind).toBe('offline');
    expect(r.view.problem).toMatch(/ECONNREFUSED|fetch failed/);
    expect(r.view.devices.map((x) => [x.name, x.online])).toEqual([['box', false]]);
  });

  it('a relay that does not answer in time gives up after the timeout', async () => {
    const silent = createServer(() => {}); // accepts, never answers
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const r = await discoverOnce({ wallet, relayUrl: `ws://127.0.0.1:${port}`, store: memoryStore(), timeoutMs: 200 });
    expect(r.reached).toBe(false);
    expect(r.view.problem).toMatch(/no answer within 0.2 s/);
    silent.closeAllConnections();
  });

  it('a lost watch socket retries with backoff and re-fetches when the relay is back', async () => {
    relay = await testRelay();
    const port = relay.port;
    agents.push(await sealedAgent(relay.url, wallet, record('one')));
    const { d } = live({ backoffBaseMs: 100, backoffCapMs: 200 });
    await until(() => d.getState() === 'live' && d.getView().devices.length === 1, 5000, 'live with one');
    await relay.close();
    agents = [];
    await until(() => d.getView().connection.kind === 'reconnecting', 5000, 'reconnecting');
    relay = await testRelay({ port });
    agents.push(await sealedAgent(relay.url, wallet, record('two')));
    await until(() => d.getState() === 'live' && d.getView().devices.map((x) => x.name).join() === 'two', 8000, 'live again with two');
  });

  it('falls back to polling GET /registry on a relay with only the reference endpoints', async () => {
    const id = newMachineId();
    let body = JSON.stringify([{ machine_id: id, blob: sealDevice(wallet.registryKey, record('ref-only'), id) }]);
    const ref = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/registry?wallet=')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      } else res.writeHead(404).end();
    });
    servers.push(ref);
    await new Promise<void>((r) => ref.listen(0, '127.0.0.1', r));
    const url = `ws://127.0.0.1:${(ref.address() as AddressInfo).port}`;
    const d = createDiscovery({ wallet, relayUrl: url, store: memoryStore(), WebSocket: WS, pollMs: 50, timeoutMs: 2000 });
    discoveries.push(d);
    d.start();
    await until(() => d.getView().devices.some((x) => x.name === 'ref-only'), 5000, 'listed by polling');
    expect(d.getView().connection).toEqual({ kind: 'polling', everySeconds: 0.05 });
    body = '[]';
    await until(() => d.getView().devices.length === 0, 5000, 'gone by polling');
  });
});

describe('two clients of one home at once', () => {
  it('announce a new device once between them, and keep each other’s seen.json entries', async () => {
    relay = await testRelay();
    agents.push(await sealedAgent(relay.url, wallet, record('racer')));
    await waitRegistry(relay.httpUrl, wallet.address, (ids) => ids.length === 1);
    const { dir, cleanup } = tempDir();
    try {
      storeWallet(dir, wallet);
      writeSeenFile(dir, { seen: { deadbeefdeadbeef: 7 } }); // another client's earlier notice
      // Both load seen.json before either saves it: the race two `mir list` runs have.
      const [a, b] = await Promise.all([discoverOnceNode({ home: dir, relayUrl: relay.url }), discoverOnceNode({ home: dir, relayUrl: relay.url })]);
      expect(a.notices.length + b.notices.length).toBe(1);
      const seen = readSeenFile(dir).seen;
      expect(Object.keys(seen).sort()).toEqual([agents[0]!.machineId, 'deadbeefdeadbeef'].sort());
      expect(seen.deadbeefdeadbeef).toBe(7);
    } finally {
      cleanup();
    }
  });
});
