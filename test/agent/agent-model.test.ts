// Model-based test of the agent lifecycle (issue #4): one path per transition of
// machines/agentMachine.ts, each replayed against the REAL runtime shell (agent/runtime.ts) with
// real sockets to a controllable relay on loopback and a hand-driven clock. Every state checks
// what the shell really did: sockets at the relay, frames that open under K_reg, armed timers.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createTestModel } from 'xstate/graph';
import { type SnapshotFrom } from 'xstate';
import { agentMachine, type AgentEvent } from '../../machines/agentMachine.js';
import { startAgentRuntime, stateName, type AgentRuntime } from '../../agent/runtime.js';
import { newAgentFile } from '../../agent/config.js';
import { openDevice } from '../../crypto/registry.js';
import { verifyRegistration, AUTH_SIG_HEADER, AUTH_TS_HEADER, REGISTRATION_SECRET_HEADER } from '../../crypto/auth.js';
import { hex } from '../../crypto/bytes.js';
import { walletFromSecret } from '../../crypto/wallet.js';
import { pathsForEveryTransition, TransitionCoverage } from '../model/transition-coverage.js';
import { FakeRelay, type FakeConnection } from './fake-relay.js';
import { ManualClock } from './manual-clock.js';
import { HeldSendWebSocket, dropHeldSends, heldSends, releaseSends } from './held-ws.js';

const DRAW = 0.5;
const EVENTS: AgentEvent[] = [
  { type: 'relay.ready' },
  { type: 'publish.sent' },
  { type: 'uptime.healthy' },
  { type: 'socket.closed', draw: DRAW },
  { type: 'heartbeat.missed', draw: DRAW },
  { type: 'backoff.elapsed' },
  { type: 'record.changed' },
  { type: 'registration.changed' },
  { type: 'relay.unhandled', kind: 'type:attach' },
  { type: 'signal.stop' },
];

const wallet = walletFromSecret(hex.decode('11'.repeat(32)));
const model = createTestModel(agentMachine, { events: EVENTS });
const paths = pathsForEveryTransition(model, agentMachine, EVENTS);
const coverage = new TransitionCoverage('agentMachine', agentMachine);

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Sut {
  relay: FakeRelay;
  clock: ManualClock;
  rt: AgentRuntime;
  logs: string[];
  renames: number;
  relayUrls: [string, string];
  /** Whether the previous state had a live registration (for the bye check). */
  wasLive: boolean;
}
let sut: Sut | undefined;

async function freshSut(): Promise<Sut> {
  const relay = await FakeRelay.start();
  const clock = new ManualClock();
  const logs: string[] = [];
  const config = newAgentFile('model-agent', relay.url);
  const rt = startAgentRuntime({
    config,
    wallet,
    WebSocketImpl: HeldSendWebSocket,
    clock,
    random: () => DRAW,
    log: (event, fields) => logs.push(JSON.stringify({ event, ...fields })),
  });
  return { relay, clock, rt, logs, renames: 0, relayUrls: [relay.url, `${relay.url}/alt`], wasLive: false };
}

afterEach(async () => {
  if (!sut) return;
  const { rt, relay, logs } = sut;
  sut = undefined;
  await rt.stop();
  dropHeldSends();
  await relay.close();
  // Never a secret, a key or a blob in a log line (issue #4).
  const text = logs.join('\n');
  const cfg = rt.config();
  for (const secret of [cfg.registration_secret, cfg.host_private, hex.encode(wallet.registryKey), hex.encode(wallet.secret)]) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/"registry"|[A-Za-z0-9+/]{60,}={0,2}/);
});

afterAll(() => {
  const report = coverage.write();
  expect(report.missing).toEqual([]);
});

/** The newest connection the relay holds open, at the relay URL the agent is configured with. */
async function currentConnection(s: Sut): Promise<FakeConnection> {
  const path = new URL(s.rt.config().relay_url.replace(/^ws/, 'http')).pathname.replace(/\/$/, '');
  return s.relay.until(() => {
    const c = s.relay.live();
    return c && c.url.pathname === `${path}/agent/signal` ? c : undefined;
  }, `a connection at ${path}/agent/signal`);
}

const registryFrames = (c: FakeConnection) => c.frames.filter((f) => f.type === 'registry');

/** The last registry frame on `c` opens under K_reg for this machine_id to the current record. */
async function expectPublished(s: Sut, c: FakeConnection): Promise<void> {
  const cfg = s.rt.config();
  await s.relay.until(() => registryFrames(c).some((f) => openDevice(wallet.registryKey, String(f.registry), cfg.machine_id)?.name === cfg.name), 'a registry frame with the current name');
  const record = openDevice(wallet.registryKey, String(registryFrames(c).at(-1)!.registry), cfg.machine_id);
  expect(record).toMatchObject({ v: 1, name: cfg.name, host_pub: cfg.host_pub, signal_url: cfg.relay_url });
  // The AAD binds the blob to this machine_id: it does not open for another.
  expect(openDevice(wallet.registryKey, String(registryFrames(c).at(-1)!.registry), 'ffffffffffffffff')).toBeNull();
}

const events = {
  'relay.ready': async () => {
    const s = sut!;
    const c = await currentConnection(s);
    expect(registryFrames(c)).toHaveLength(0); // the agent waits for ready before publishing
    c.socket.send(JSON.stringify({ type: 'ready' }));
    await waitFor(() => s.rt.state() !== 'connecting', 'the agent to take ready');
  },
  'publish.sent': async () => {
    const s = sut!;
    await waitFor(() => heldSends() > 0, 'the registry frame to be written');
    releaseSends();
    await waitFor(() => s.rt.state() === 'published', 'published');
  },
  'uptime.healthy': async () => {
    const s = sut!;
    s.clock.fireArmedFor(s.rt.actor.getSnapshot().context.healthyMs);
  },
  'heartbeat.missed': async () => {
    const s = sut!;
    const c = await currentConnection(s);
    const { heartbeatMs } = s.rt.actor.getSnapshot().context;
    c.socket.pause(); // the relay goes quiet: no pong will come back (a half-open connection)
    s.clock.fireArmedFor(heartbeatMs); // ping
    expect(s.rt.state()).not.toBe('backoff');
    s.clock.fireArmedFor(heartbeatMs); // still nothing heard: the agent gives up on this socket
    expect(s.rt.state()).toBe('backoff');
    c.socket.resume(); // lets the relay side notice the agent cut the connection
  },
  'socket.closed': async () => {
    const s = sut!;
    const c = await currentConnection(s);
    c.socket.terminate(); // the relay vanishes under the agent
    await waitFor(() => s.rt.state() === 'backoff', 'backoff');
  },
  'backoff.elapsed': async () => {
    const s = sut!;
    expect(s.clock.pending()).toEqual([s.rt.actor.getSnapshot().context.delayMs]);
    s.clock.fireNext();
  },
  'record.changed': async () => {
    const s = sut!;
    const before = s.rt.state();
    const opens = s.rt.stats.attempts;
    s.rt.rename(`model-agent-${++s.renames}`);
    if (['registered', 'published', 'serving'].includes(before)) await expectPublished(s, await currentConnection(s));
    expect(s.rt.stats.attempts).toBe(opens); // a rename never reconnects
  },
  'registration.changed': async () => {
    const s = sut!;
    const [a, b] = s.relayUrls;
    const old = s.relay.live();
    const wasLive = ['registered', 'published', 'serving'].includes(s.rt.state());
    s.rt.setRelay(s.rt.config().relay_url === a ? b : a);
    await waitFor(() => s.rt.state() === 'connecting', 'connecting');
    if (old) await s.relay.until(() => old.closed, 'the old registration to close');
    if (old && wasLive) expect(old.frames.at(-1)).toEqual({ type: 'bye' });
  },
  'relay.unhandled': async () => {
    const s = sut!;
    const c = await currentConnection(s);
    const before = s.rt.state();
    // Nothing the relay sends can crash the agent: a data-plane message, bad JSON, a binary frame.
    c.socket.send(JSON.stringify({ type: 'attach', session: 'x' }));
    c.socket.send('{not json');
    c.socket.send(Buffer.from([0, 1, 2]));
    c.socket.send(JSON.stringify({ type: 'offer', sdp: 'v=0' }));
    await waitFor(() => s.logs.filter((l) => l.includes('"ignored"')).length >= 4, 'four ignored frames logged');
    expect(s.rt.state()).toBe(before);
    expect(c.closed).toBe(false);
  },
  'signal.stop': async () => {
    const s = sut!;
    const c = s.relay.live();
    const wasLive = ['registered', 'published', 'serving'].includes(s.rt.state());
    await s.rt.stop();
    if (wasLive && c) {
      await s.relay.until(() => c.closed, 'the agent to close its socket');
      expect(c.frames.at(-1)).toEqual({ type: 'bye' }); // bye is the last word, then close
    }
  },
};

const states = {
  '*': async (state: SnapshotFrom<typeof agentMachine>) => {
    const s = sut!;
    const name = stateName(state.value);
    expect(s.rt.state()).toBe(name);
    expect(s.rt.actor.getSnapshot().context).toEqual(state.context);
    const ctx = s.rt.actor.getSnapshot().context;
    switch (name) {
      case 'connecting': {
        const c = await currentConnection(s);
        const cfg = s.rt.config();
        expect(c.url.searchParams.get('owner_id')).toBe(wallet.address);
        expect(c.url.searchParams.get('machine_id')).toBe(cfg.machine_id);
        expect(c.headers[REGISTRATION_SECRET_HEADER]).toBe(cfg.registration_secret);
        const ts = String(c.headers[AUTH_TS_HEADER]);
        expect(verifyRegistration(wallet.address, cfg.machine_id, ts, String(c.headers[AUTH_SIG_HEADER]), Math.floor(Date.now() / 1000))).toBe(true);
        expect(s.clock.pending()).toEqual([]);
        break;
      }
      case 'registered':
      case 'published':
        await expectPublished(s, await currentConnection(s));
        expect(s.clock.pending()).toEqual([ctx.healthyMs, ctx.heartbeatMs]);
        break;
      case 'serving':
        await expectPublished(s, await currentConnection(s));
        expect(s.clock.pending()).toHaveLength(1); // the heartbeat; the uptime timer has fired
        expect(ctx.ceilingMs).toBe(ctx.baseMs);
        break;
      case 'backoff':
        await s.relay.until(() => !s.relay.live(), 'no open connection');
        expect(s.clock.pending()).toEqual([ctx.delayMs]);
        expect(ctx.delayMs).toBeGreaterThanOrEqual(0);
        expect(ctx.delayMs).toBeLessThanOrEqual(ctx.capMs);
        break;
      case 'stopped':
        await s.relay.until(() => !s.relay.live(), 'no open connection');
        expect(s.clock.pending()).toEqual([]);
        break;
    }
  },
};

describe('agentMachine walked against the real runtime shell', () => {
  it('has one path per transition of the chart (a changed chart is noticed)', () => {
    expect(paths).toHaveLength(16);
  });

  for (const path of paths) {
    it(`reaches ${JSON.stringify(path.state.value)} via ${path.steps.map((s) => s.event.type).join(' → ')}`, async () => {
      sut = await freshSut();
      await model.testPath(path, { events, states });
      coverage.record(path);
    });
  }
});
