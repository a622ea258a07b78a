// The relay against real `ws` peers on loopback (issue #3): listing, replacement, grace, bye,
// heartbeat, watch, trust on first use, wallet-signed registration, and a stateless restart.
import { afterEach, describe, expect, it } from 'vitest';
import { signRegistration } from '../../crypto/auth.js';
import { hex } from '../../crypto/bytes.js';
import { sealDevice } from '../../crypto/registry.js';
import { newHostKeypair } from '../../crypto/host.js';
import { newWallet } from '../../crypto/wallet.js';
import { agent, cleanup, list, listedAs, newBlob, newMachine, newWalletAddress, publish, refusedWith, relay, sleep, waitFor, watch } from './helpers.js';

afterEach(cleanup);

describe('mir-relay wire (SPEC §3)', () => {
  it('lists each wallet’s machines, sorted by machine_id, and nothing of other wallets', async () => {
    const r = await relay();
    const [w1, w2] = [newWalletAddress(), newWalletAddress()];
    const e1 = [0, 1, 2].map(() => ({ machine_id: newMachine(), blob: newBlob() }));
    const e2 = [0, 1].map(() => ({ machine_id: newMachine(), blob: newBlob() }));
    for (const [w, es] of [[w1, e1], [w2, e2]] as const) for (const e of es) publish(await agent(r, w, e.machine_id), e.blob);
    await listedAs(r, w1, e1);
    await listedAs(r, w2, e2);
    const raw = await list(r, w1);
    expect(raw.map((e) => e.machine_id)).toEqual([...raw.map((e) => e.machine_id)].sort());
    expect(await list(r, newWalletAddress())).toEqual([]);
  });

  it('gives back a reference-style agent’s sealed blob byte for byte, also when sent before ready', async () => {
    const r = await relay();
    const wallet = newWallet();
    const machineId = newMachine();
    const blob = sealDevice(wallet.registryKey, { v: 1, name: 'box', host_pub: hex.encode(newHostKeypair().publicKey), signal_url: r.url, ts: 1_700_000_000 }, machineId);
    const peer = await agent(r, wallet.address, machineId);
    publish(peer, blob); // straight after the upgrade, without waiting for ready
    await listedAs(r, wallet.address, [{ machine_id: machineId, blob }]);
    await waitFor(() => peer.messages.some((m) => m.type === 'ready'), 'ready');
  });

  it('replaces an older registration of the same slot: the old socket closes with 4409', async () => {
    const r = await relay();
    const [w, m] = [newWalletAddress(), newMachine()];
    const old = await agent(r, w, m);
    publish(old, newBlob());
    const b2 = newBlob();
    publish(await agent(r, w, m), b2);
    expect(await old.closed).toBe(4409);
    await listedAs(r, w, [{ machine_id: m, blob: b2 }]);
    expect(r.logs.some((l) => l.event === 'replace')).toBe(true);
  });

  it('keeps a blinking agent listed through the grace period, and its watcher sees no remove', async () => {
    const r = await relay({ graceSeconds: 2 });
    const [w, m, b1, b2] = [newWalletAddress(), newMachine(), newBlob(), newBlob()];
    const first = await agent(r, w, m);
    publish(first, b1);
    await listedAs(r, w, [{ machine_id: m, blob: b1 }]);
    const watcher = await watch(r, w);
    first.ws.terminate();
    await first.closed;
    await sleep(100);
    expect(await list(r, w)).toEqual([{ machine_id: m, blob: b1 }]);
    publish(await agent(r, w, m), b2);
    await listedAs(r, w, [{ machine_id: m, blob: b2 }]);
    await sleep(2_300); // past the first session's grace: its timer must have been cancelled
    expect(await list(r, w)).toEqual([{ machine_id: m, blob: b2 }]);
    expect(watcher.messages.map((x) => x.type)).toEqual(['snapshot', 'upsert']);
    expect(watcher.messages.some((x) => x.type === 'remove')).toBe(false);
  });

  it('drops a dropped agent when the grace period ends, and tells its watcher', async () => {
    const r = await relay({ graceSeconds: 0.3 });
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, m);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: m, blob: b }]);
    const watcher = await watch(r, w);
    peer.ws.close();
    await listedAs(r, w, []);
    await waitFor(() => watcher.messages.find((x) => x.type === 'remove'), 'remove');
    expect(watcher.messages).toEqual([{ type: 'snapshot', entries: [{ machine_id: m, blob: b }] }, { type: 'remove', machine_id: m }]);
    expect(r.logs.some((l) => l.event === 'expire' && l.machine_id === m)).toBe(true);
  });

  it('drops an agent at once on bye, with no grace', async () => {
    const r = await relay({ graceSeconds: 60 });
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, m);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: m, blob: b }]);
    peer.ws.send(JSON.stringify({ type: 'bye' }));
    expect(await peer.closed).toBe(1000);
    expect(await list(r, w)).toEqual([]);
  });

  it('drops a socket that stops answering pings within two heartbeats (plus grace)', async () => {
    const r = await relay({ heartbeatSeconds: 0.2, graceSeconds: 0 });
    const [w, m] = [newWalletAddress(), newMachine()];
    const peer = await agent(r, w, m);
    publish(peer, newBlob());
    await waitFor(async () => (await list(r, w)).length === 1, 'listed');
    await sleep(700); // several heartbeats answered: still listed
    expect(await list(r, w)).toHaveLength(1);
    peer.answerPings = false;
    const t0 = Date.now();
    await listedAs(r, w, [], 3_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(r.logs.some((l) => l.event === 'reject' && l.reason === 'RELAY_ERR_HEARTBEAT_MISSED')).toBe(true);
  });

  it('withdraws on an empty registry string and lists again on the next blob', async () => {
    const r = await relay();
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, m);
    publish(peer, newBlob());
    await waitFor(async () => (await list(r, w)).length === 1, 'listed');
    publish(peer, '');
    await listedAs(r, w, []);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: m, blob: b }]);
  });

  it('pushes snapshot, upsert and remove to watchers of that wallet only', async () => {
    const r = await relay();
    const [w, other, m, b1, b2] = [newWalletAddress(), newWalletAddress(), newMachine(), newBlob(), newBlob()];
    const watcher = await watch(r, w);
    const bystander = await watch(r, other);
    const peer = await agent(r, w, m);
    publish(peer, b1);
    publish(peer, b2);
    peer.ws.send(JSON.stringify({ type: 'bye' }));
    await waitFor(() => watcher.messages.length === 4, 'four watch messages');
    expect(watcher.messages).toEqual([
      { type: 'snapshot', entries: [] },
      { type: 'upsert', entry: { machine_id: m, blob: b1 } },
      { type: 'upsert', entry: { machine_id: m, blob: b2 } },
      { type: 'remove', machine_id: m },
    ]);
    expect(bystander.messages).toEqual([{ type: 'snapshot', entries: [] }]);
  });

  it('lists nothing after a restart: a fresh relay holds no state', async () => {
    const r1 = await relay();
    const w = newWalletAddress();
    publish(await agent(r1, w, newMachine()), newBlob());
    await waitFor(async () => (await list(r1, w)).length === 1, 'listed');
    await r1.close();
    const r2 = await relay({ port: r1.port });
    expect(await list(r2, w)).toEqual([]);
  });

  it('runs each session as an inspectable actor when inspect is set, with the same wire behaviour', async () => {
    const seen: Array<{ type: string; id?: string; state?: unknown }> = [];
    const r = await relay({
      inspect: (ev) => {
        const snap = (ev as { snapshot?: { value?: unknown } }).snapshot;
        seen.push({ type: ev.type, id: (ev.actorRef as { id?: string }).id, state: snap?.value });
      },
    });
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, m);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: m, blob: b }]);
    peer.ws.send('{"type":"bye"}');
    expect(await peer.closed).toBe(1000);
    await listedAs(r, w, []);
    const states = seen.filter((e) => e.type === '@xstate.snapshot' && e.id === `relaySession:${m}`).map((e) => e.state);
    expect(states).toEqual(['open', 'registered', 'published', 'left']);
  });

  it('never writes a blob or a registration secret into its logs', async () => {
    const r = await relay();
    const [w, m, b, secret] = [newWalletAddress(), newMachine(), newBlob(), 'a'.repeat(64)];
    const peer = await agent(r, w, m, { 'X-TR-Agent-Registration-Secret': secret });
    publish(peer, b);
    publish(peer, '!!not base64!!');
    await peer.closed;
    const text = JSON.stringify(r.logs);
    expect(text).not.toContain(b);
    expect(text).not.toContain(secret);
    expect(r.logs.map((l) => l.event)).toEqual(expect.arrayContaining(['register', 'publish', 'reject', 'drop']));
  });
});

describe('who may hold a slot (SPEC §3)', () => {
  const secret = (c: string) => ({ 'X-TR-Agent-Registration-Secret': c.repeat(64) });
  const signed = (w: ReturnType<typeof newWallet>, m: string, ts = Math.floor(Date.now() / 1000)) => ({
    'X-Mir-Auth-Ts': String(ts),
    'X-Mir-Auth-Sig': signRegistration(w.sign, w.address, m, ts),
  });

  it('binds a slot to its first registration secret: another secret or none gets 401', async () => {
    const r = await relay();
    const [w, m] = [newWalletAddress(), newMachine()];
    await agent(r, w, m, secret('a'));
    expect(await refusedWith(agent(r, w, m, secret('b')))).toBe(401);
    expect(await refusedWith(agent(r, w, m))).toBe(401);
    expect(await refusedWith(agent(r, w, m, secret('a')))).toBe(0);
    expect(r.logs.filter((l) => l.reason === 'RELAY_ERR_SECRET_MISMATCH')).toHaveLength(2);
  });

  it('lets a valid wallet signature win a slot from a squatter, then refuses unsigned registrations', async () => {
    const r = await relay();
    const wallet = newWallet();
    const m = newMachine();
    const squatter = await agent(r, wallet.address, m, secret('e'));
    publish(squatter, newBlob());
    const b = newBlob();
    const owner = await agent(r, wallet.address, m, { ...signed(wallet, m), ...secret('f') });
    publish(owner, b);
    expect(await squatter.closed).toBe(4409);
    await listedAs(r, wallet.address, [{ machine_id: m, blob: b }]);
    expect(await refusedWith(agent(r, wallet.address, m, secret('e')))).toBe(401);
    expect(await refusedWith(agent(r, wallet.address, m, secret('f')))).toBe(401);
    await listedAs(r, wallet.address, [{ machine_id: m, blob: b }]);
  });

  it('keeps a live signed slot from an unsigned squatter even after the bounded table forgot the slot', async () => {
    const r = await relay({ maxLearnedSlots: 2 });
    const wallet = newWallet();
    const m = newMachine();
    const owner = await agent(r, wallet.address, m, signed(wallet, m));
    const b = newBlob();
    publish(owner, b);
    await listedAs(r, wallet.address, [{ machine_id: m, blob: b }]);
    // Junk slots with secrets push the owner's record out of the 2-slot table.
    for (let i = 0; i < 3; i++) await agent(r, newWalletAddress(), newMachine(), secret(String(i)));
    expect(await refusedWith(agent(r, wallet.address, m))).toBe(401);
    await listedAs(r, wallet.address, [{ machine_id: m, blob: b }]);
  });

  it('never locks the owner out of a wallet a stranger filled with unsigned sockets', async () => {
    const r = await relay({ maxConnectionsPerWallet: 3 });
    const wallet = newWallet();
    for (let i = 0; i < 3; i++) await agent(r, wallet.address, newMachine());
    expect(await refusedWith(agent(r, wallet.address, newMachine()))).toBe(429);
    const m = newMachine();
    const owner = await agent(r, wallet.address, m, signed(wallet, m));
    const b = newBlob();
    publish(owner, b);
    await waitFor(async () => (await list(r, wallet.address)).some((e) => e.machine_id === m && e.blob === b), 'the owner listed');
  });

  it('refuses a forged, another wallet’s, or stale signature with 401', async () => {
    const r = await relay();
    const [wallet, thief] = [newWallet(), newWallet()];
    const m = newMachine();
    const sig = signed(thief, m);
    expect(await refusedWith(agent(r, wallet.address, m, sig))).toBe(401);
    expect(await refusedWith(agent(r, wallet.address, m, signed(wallet, m, Math.floor(Date.now() / 1000) - 600)))).toBe(401);
    expect(await refusedWith(agent(r, wallet.address, m, { 'X-Mir-Auth-Ts': '1' }))).toBe(401);
    expect(await refusedWith(agent(r, wallet.address, m, signed(wallet, m)))).toBe(0);
  });

  it('with requireWalletAuth refuses every unsigned registration and accepts signed ones', async () => {
    const r = await relay({ requireWalletAuth: true });
    const wallet = newWallet();
    const m = newMachine();
    expect(await refusedWith(agent(r, wallet.address, m))).toBe(401);
    expect(await refusedWith(agent(r, wallet.address, m, secret('c')))).toBe(401);
    const peer = await agent(r, wallet.address, m, signed(wallet, m));
    const b = newBlob();
    publish(peer, b);
    await listedAs(r, wallet.address, [{ machine_id: m, blob: b }]);
  });

  it('forgets the least recently seen secret when the table is full', async () => {
    const r = await relay({ maxLearnedSlots: 2 });
    const w = newWalletAddress();
    const [m1, m2, m3] = [newMachine(), newMachine(), newMachine()];
    for (const m of [m1, m2, m3]) (await agent(r, w, m, secret('1'))).ws.close();
    // m1 was evicted: a new secret binds it again; m3 is still remembered.
    expect(await refusedWith(agent(r, w, m1, secret('2')))).toBe(0);
    expect(await refusedWith(agent(r, w, m3, secret('2')))).toBe(401);
  });
});
