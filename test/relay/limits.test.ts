// Hard limits and bad input (issue #3, SPEC §3 beyond): each refused with its HTTP status or
// close code and a log line, while another wallet keeps working on the same relay.
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { RELAY_ERRORS } from '../../relay/errors.js';
import { agent, cleanup, list, listedAs, newBlob, newMachine, newWalletAddress, open, publish, refusedWith, relay, sleep, waitFor, watch, type TestRelay } from './helpers.js';

afterEach(cleanup);

/** A bystander wallet's agent still registers, publishes and lists after the refusals. */
async function othersStillWork(r: TestRelay): Promise<void> {
  const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
  publish(await agent(r, w, m), b);
  await listedAs(r, w, [{ machine_id: m, blob: b }]);
}

const rejected = (r: TestRelay, reason: string) => r.logs.some((l) => l.event === 'reject' && l.reason === reason);

/** Raw request with any method / target, for what fetch will not send. */
function raw(r: TestRelay, method: string, path: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${r.httpUrl}${path}`, { method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('frames an agent sends', () => {
  it('closes on a blob larger than maxBlobBytes with 1009 and keeps the earlier blob through grace', async () => {
    const r = await relay({ maxBlobBytes: 400, maxFrameBytes: 1024 });
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob(200)];
    const peer = await agent(r, w, m);
    publish(peer, b);
    await listedAs(r, w, [{ machine_id: m, blob: b }]);
    publish(peer, newBlob(400));
    expect(await peer.closed).toBe(RELAY_ERRORS.RELAY_ERR_BLOB_TOO_LARGE.close);
    expect(await list(r, w)).toEqual([{ machine_id: m, blob: b }]);
    expect(rejected(r, 'RELAY_ERR_BLOB_TOO_LARGE')).toBe(true);
    await othersStillWork(r);
  });

  it('closes on a frame larger than maxFrameBytes with 1009', async () => {
    const r = await relay({ maxBlobBytes: 400, maxFrameBytes: 1024 });
    const peer = await agent(r, newWalletAddress(), newMachine());
    peer.ws.send('x'.repeat(2000));
    expect(await peer.closed).toBe(1009);
    expect(rejected(r, 'RELAY_ERR_FRAME_TOO_LARGE')).toBe(true);
    await othersStillWork(r);
  });

  it('closes on a blob that is not padded standard base64 with 1007, listing nothing', async () => {
    const r = await relay();
    const [w, m] = [newWalletAddress(), newMachine()];
    const peer = await agent(r, w, m);
    publish(peer, 'abc-_def');
    expect(await peer.closed).toBe(1007);
    expect(await list(r, w)).toEqual([]);
    expect(rejected(r, 'RELAY_ERR_BLOB_NOT_BASE64')).toBe(true);
  });

  it('closes on a binary frame with 1003', async () => {
    const r = await relay();
    const peer = await agent(r, newWalletAddress(), newMachine());
    peer.ws.send(Buffer.from('{"type":"registry","registry":"AAAA"}'));
    expect(await peer.closed).toBe(1003);
    expect(rejected(r, 'RELAY_ERR_BINARY_FRAME')).toBe(true);
  });

  it('ignores malformed JSON, non-object JSON and unknown types, keeping the socket and the entry, logging once', async () => {
    const r = await relay();
    const [w, m, b] = [newWalletAddress(), newMachine(), newBlob()];
    const peer = await agent(r, w, m);
    publish(peer, b);
    for (const f of ['{not json', '42', 'null', '{"type":"from-the-future"}', '{"type":"registry","registry":7}']) peer.ws.send(f);
    await sleep(150);
    expect(peer.ws.readyState).toBe(peer.ws.OPEN);
    expect(await list(r, w)).toEqual([{ machine_id: m, blob: b }]);
    // Logged once per socket, so a noisy agent cannot flood the log.
    expect(r.logs.filter((l) => l.event === 'ignore')).toHaveLength(1);
  });
});

describe('upgrades and requests refused before anything changes', () => {
  it('answers 400 to a malformed owner_id, machine_id or missing parameter', async () => {
    const r = await relay();
    const w = newWalletAddress();
    expect(await refusedWith(agent(r, 'not-a-wallet', newMachine()))).toBe(400);
    expect(await refusedWith(agent(r, w.slice(0, 20), newMachine()))).toBe(400);
    expect(await refusedWith(agent(r, w, 'bad id!'))).toBe(400);
    expect(await refusedWith(agent(r, w, 'x'.repeat(65)))).toBe(400);
    expect(await refusedWith(agent(r, w, ''))).toBe(400);
    expect(await refusedWith(agent(r, 'ab'.repeat(32), 'ok_id-1'))).toBe(0); // the older 64-hex owner form
    expect((await fetch(`${r.httpUrl}/registry`)).status).toBe(400);
    expect((await fetch(`${r.httpUrl}/registry?wallet=0OIl`)).status).toBe(400);
    expect((await fetch(`${r.httpUrl}/registry?wallet=${w}&wallet=${w}`)).status).toBe(400);
    expect((await fetch(`${r.httpUrl}/registry?wallet=%E0%A4%A`)).status).toBe(400);
    expect(rejected(r, 'RELAY_ERR_BAD_WALLET') && rejected(r, 'RELAY_ERR_BAD_MACHINE_ID') && rejected(r, 'RELAY_ERR_BAD_QUERY')).toBe(true);
  });

  it('answers 414 to a huge query string, on plain requests and upgrades', async () => {
    const r = await relay();
    const res = await fetch(`${r.httpUrl}/registry?wallet=${newWalletAddress()}&pad=${'x'.repeat(5000)}`);
    expect(res.status).toBe(414);
    expect(await res.json()).toMatchObject({ error: 'RELAY_ERR_URL_TOO_LONG' });
    expect(await refusedWith(agent(r, newWalletAddress(), `${newMachine()}&pad=${'y'.repeat(5000)}`))).toBe(414);
    // Past Node's own header limit (16 KiB) the parser refuses before any route runs: still 414, not a reset.
    expect((await raw(r, 'GET', `/registry?pad=${'z'.repeat(20_000)}`)).status).toBe(414);
    await othersStillWork(r);
  });

  it('refuses an oversized X-Mir-Auth-Sig with 401 without decoding it', async () => {
    const r = await relay();
    const headers = { 'X-Mir-Auth-Ts': String(Math.floor(Date.now() / 1000)), 'X-Mir-Auth-Sig': 'z'.repeat(4000) };
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine(), headers))).toBe(401);
    expect(rejected(r, 'RELAY_ERR_AUTH_INVALID')).toBe(true);
  });

  it('answers 404 to unknown paths, 405 to wrong methods and 426 to a WebSocket path without upgrade', async () => {
    const r = await relay();
    expect((await raw(r, 'GET', '/nope')).status).toBe(404);
    expect((await raw(r, 'GET', '/../../etc/passwd')).status).toBe(404);
    const post = await raw(r, 'POST', `/registry?wallet=${newWalletAddress()}`);
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await raw(r, 'DELETE', '/healthz')).status).toBe(405);
    expect((await raw(r, 'PUT', '/agent/signal')).status).toBe(405);
    expect((await raw(r, 'GET', '/agent/signal')).status).toBe(426);
    expect((await raw(r, 'HEAD', '/healthz')).status).toBe(200);
    expect(await refusedWith(open(`${r.url}/elsewhere`))).toBe(404);
  });

  it('refuses agents beyond maxConnectionsPerWallet with 429, but lets a slot replace itself', async () => {
    const r = await relay({ maxConnectionsPerWallet: 2 });
    const w = newWalletAddress();
    const [m1, m2] = [newMachine(), newMachine()];
    await agent(r, w, m1);
    await agent(r, w, m2);
    expect(await refusedWith(agent(r, w, newMachine()))).toBe(429);
    expect(await refusedWith(agent(r, w, m2))).toBe(0);
    expect(rejected(r, 'RELAY_ERR_WALLET_FULL')).toBe(true);
    await othersStillWork(r);
  });

  it('stops counting a replaced socket at once, even when its peer never answers the close', async () => {
    const r = await relay({ maxConnectionsPerWallet: 2 });
    const w = newWalletAddress();
    const [m1, m2] = [newMachine(), newMachine()];
    const stale = await agent(r, w, m1);
    const other = await agent(r, w, m2);
    (stale.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // a half-dead old socket
    await agent(r, w, m1); // the reconnect replaces it
    other.ws.send('{"type":"bye"}');
    expect(await other.closed).toBe(1000);
    expect(await refusedWith(agent(r, w, newMachine()))).toBe(0);
  });

  it('refuses sockets beyond maxConnections with 503', async () => {
    const r = await relay({ maxConnections: 2, maxConnectionsPerWallet: 2 });
    await agent(r, newWalletAddress(), newMachine());
    await watch(r, newWalletAddress());
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine()))).toBe(503);
    expect(await refusedWith(watch(r, newWalletAddress()))).toBe(503);
    expect(rejected(r, 'RELAY_ERR_TOO_MANY_CONNECTIONS')).toBe(true);
    expect((await fetch(`${r.httpUrl}/healthz`)).status).toBe(200);
  });

  it('refuses sockets beyond maxConnectionsPerIp with 429, counting agents and watchers, and frees the count on close', async () => {
    const r = await relay({ maxConnectionsPerIp: 3 });
    const first = await agent(r, newWalletAddress(), newMachine());
    await agent(r, newWalletAddress(), newMachine());
    await watch(r, newWalletAddress());
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine()))).toBe(429);
    expect(await refusedWith(watch(r, newWalletAddress()))).toBe(429);
    expect(rejected(r, 'RELAY_ERR_TOO_MANY_FROM_IP')).toBe(true);
    first.ws.close();
    await first.closed;
    await waitFor(async () => (await refusedWith(agent(r, newWalletAddress(), newMachine()))) === 0, 'a socket freed by a close');
  });

  it('refuses watchers beyond maxWatchersPerWallet with 429 while other wallets can watch', async () => {
    const r = await relay({ maxWatchersPerWallet: 1 });
    const w = newWalletAddress();
    await watch(r, w);
    expect(await refusedWith(watch(r, w))).toBe(429);
    expect(await refusedWith(watch(r, newWalletAddress()))).toBe(0);
    expect(rejected(r, 'RELAY_ERR_TOO_MANY_WATCHERS')).toBe(true);
  });

  it('refuses requests beyond the per-IP rate with 429 and Retry-After', async () => {
    const r = await relay({ maxRequestsPerSecondPerIp: 1, maxRequestBurstPerIp: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${r.httpUrl}/healthz`)).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const res = await fetch(`${r.httpUrl}/healthz`);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine()))).toBe(429);
    expect(rejected(r, 'RELAY_ERR_RATE_LIMITED')).toBe(true);
  });

  it('behind a proxy (trustProxy) gives each forwarded client its own bucket, keyed on the last X-Forwarded-For entry', async () => {
    const status = async (r: TestRelay, forwarded: string) => (await fetch(`${r.httpUrl}/healthz`, { headers: { 'X-Forwarded-For': forwarded } })).status;
    const proxied = await relay({ maxRequestsPerSecondPerIp: 1, maxRequestBurstPerIp: 2, trustProxy: true });
    // A client cannot dodge its bucket by inventing earlier entries: only the last one counts.
    expect([await status(proxied, '9.9.9.9, 10.0.0.1'), await status(proxied, '8.8.8.8, 10.0.0.1'), await status(proxied, '10.0.0.1')]).toEqual([200, 200, 429]);
    expect(await status(proxied, '10.0.0.2')).toBe(200);
    // Without trustProxy the header is ignored: everyone shares the proxy's address.
    const direct = await relay({ maxRequestsPerSecondPerIp: 1, maxRequestBurstPerIp: 2 });
    expect([await status(direct, '10.0.0.1'), await status(direct, '10.0.0.2'), await status(direct, '10.0.0.3')]).toEqual([200, 200, 429]);
  });

  it('refuses a registration secret longer than 512 bytes with 400', async () => {
    const r = await relay();
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine(), { 'X-TR-Agent-Registration-Secret': 's'.repeat(513) }))).toBe(400);
    expect(await refusedWith(agent(r, newWalletAddress(), newMachine(), { 'X-TR-Agent-Registration-Secret': 's'.repeat(512) }))).toBe(0);
  });

  it('fails at start on conflicting or out-of-range options', async () => {
    await expect(relay({ maxBlobBytes: 10_000, maxFrameBytes: 8_000 })).rejects.toThrow(/maxFrameBytes/);
    await expect(relay({ maxConnectionsPerWallet: 10, maxConnections: 5 })).rejects.toThrow(/maxConnectionsPerWallet/);
    await expect(relay({ graceSeconds: -1 })).rejects.toThrow(RangeError);
  });
});
