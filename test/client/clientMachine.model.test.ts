/**
 * Model-based test of machines/clientMachine.ts against the REAL runtime (client/discovery.ts):
 * one path per transition the chart defines (pathsForEveryTransition), each replayed on a fresh
 * runtime with real sockets on loopback. The relay side is a controllable peer (the other side of
 * the wire: it holds each GET and each watch upgrade until the path says how to answer), and the
 * timers are injected so a path rings them by hand. Coverage: TransitionCoverage 'clientMachine'.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { createTestModel } from 'xstate/graph';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet } from '../../crypto/wallet.js';
import { clientMachine, type ClientEvent, type ClientInput } from '../../machines/clientMachine.js';
import { createDiscovery, type Discovery, type Timers } from '../../client/discovery.js';
import { memoryStore } from '../../client/store.js';
import { pathsForEveryTransition, TransitionCoverage } from '../model/transition-coverage.js';
import { newMachineId, record, until } from './helpers.js';

const INPUT: ClientInput = { backoffBaseMs: 1000, backoffCapMs: 2000 };
const TIMEOUT_MS = 90_000; // distinct figures tell the injected timers apart
const POLL_MS = 80_000;
const wallet = newWallet();
const local = [{ name: 'local-box', machine_id: 'localbox', host_pub: 'd'.repeat(64), signal_url: 'ws://127.0.0.1:9' }];

function entry(name: string): { machine_id: string; blob: string } {
  const id = newMachineId();
  return { machine_id: id, blob: sealDevice(wallet.registryKey, record(name), id) };
}

/** The relay side of the wire, answering only when told. */
class Peer {
  readonly server: Server;
  readonly wss = new WebSocketServer({ noServer: true });
  gets: ServerResponse[] = [];
  upgrades: Array<{ req: IncomingMessage; socket: Socket; head: Buffer }> = [];
  watch: WebSocket | null = null;
  constructor() {
    this.server = createServer((req, res) => {
      if (!req.url?.startsWith('/registry?')) return void res.writeHead(404).end();
      this.gets.push(res);
      res.on('close', () => (this.gets = this.gets.filter((r) => r !== res)));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const u = { req, socket, head };
      this.upgrades.push(u);
      socket.on('close', () => (this.upgrades = this.upgrades.filter((x) => x !== u)));
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  answerGet(status: number, body: unknown): void {
    const res = this.gets.pop();
    if (!res) throw new Error('no GET pending');
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
  acceptWatch(entries: unknown[]): Promise<void> {
    const u = this.upgrades.pop();
    if (!u) throw new Error('no watch upgrade pending');
    return new Promise((resolve) =>
      this.wss.handleUpgrade(u.req, u.socket, u.head, (ws) => {
        this.watch = ws;
        ws.send(JSON.stringify({ type: 'snapshot', entries }));
        resolve();
      }),
    );
  }
  rejectWatch(status: number): void {
    const u = this.upgrades.pop();
    if (!u) throw new Error('no watch upgrade pending');
    u.socket.end(`HTTP/1.1 ${status} Nope\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  send(message: unknown): void {
    if (!this.watch) throw new Error('no watch socket');
    this.watch.send(JSON.stringify(message));
  }
  async close(): Promise<void> {
    this.watch?.terminate();
    for (const u of this.upgrades) u.socket.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

/** Timers the path rings by hand: which one is told apart by its delay. */
class HandTimers implements Timers {
  private next = 1;
  readonly armed = new Map<number, { fn: () => void; ms: number }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const h = this.next++;
    this.armed.set(h, { fn, ms });
    return h;
  }
  clearTimeout(h: unknown): void {
    this.armed.delete(h as number);
  }
  ring(which: 'fetch' | 'poll' | 'retry'): void {
    const match = [...this.armed].filter(([, t]) => (which === 'fetch' ? t.ms === TIMEOUT_MS : which === 'poll' ? t.ms === POLL_MS : t.ms <= INPUT.backoffCapMs));
    if (match.length !== 1) throw new Error(`expected one ${which} timer armed, found ${match.length}`);
    const [h, t] = match[0]!;
    this.armed.delete(h);
    t.fn();
  }
}

interface System {
  peer: Peer;
  url: string;
  timers: HandTimers;
  d?: Discovery;
  /** Every state the runtime's actor went through, and how far the path has checked it. */
  trace: string[];
  cursor: number;
}
let sys: System | undefined;

afterEach(async () => {
  sys?.d?.stop();
  await sys?.peer.close();
  sys = undefined;
});

const events: ClientEvent[] = [
  { type: 'client.started', mode: 'watch' },
  { type: 'client.started', mode: 'poll' },
  { type: 'client.started', mode: 'once' },
  { type: 'client.stopped' },
  { type: 'registry.fetched', count: 1 },
  { type: 'watch.snapshot', count: 1 },
  { type: 'watch.changed' },
  { type: 'watch.unsupported' },
  { type: 'watch.closed', code: 1006 },
  { type: 'fetch.failed', reason: 'HTTP 500' },
  { type: 'fetch.timedOut' },
  { type: 'retry.due' },
  { type: 'poll.due' },
  { type: 'entries.opened', dropped: 0 },
  { type: 'list.merged', count: 1 },
  { type: 'notices.sent', count: 1 },
];

const model = createTestModel(clientMachine, { events, input: INPUT } as never);
const paths = pathsForEveryTransition(model, clientMachine, events, INPUT);
const coverage = new TransitionCoverage('clientMachine', clientMachine, INPUT);

const state = (): string => sys?.d?.getState() ?? 'idle';
type Snap = { value: unknown; context: { mode: string } };

/**
 * Waits until the runtime has passed through the model's state, in order. opening, merging and
 * notifying are run back to back from the actor's mailbox, so the runtime is seen there only in
 * its trace of states; where it rests (fetching, live, polling…) the view is checked as well.
 */
async function settled(snap: Snap): Promise<void> {
  const want = snap.value as string;
  const s = sys!;
  await until(() => s.trace.indexOf(want, s.cursor) >= 0, 3000, `runtime through ${want} (trace ${s.trace.slice(s.cursor).join(',')})`);
  s.cursor = s.trace.indexOf(want, s.cursor) + 1;
  if (want === 'fetching' && state() === 'fetching') {
    await until(() => (snap.context.mode === 'watch' ? s.peer.upgrades.length > 0 : s.peer.gets.length > 0), 3000, 'the request at the peer');
  }
  const view = s.d?.getView();
  if (!view || state() !== want) return;
  const kinds: Record<string, string> = { live: 'live', polling: 'polling', retrying: 'reconnecting', offline: 'offline', stopped: 'offline', done: 'live' };
  if (kinds[want]) expect(view.connection.kind).toBe(kinds[want]);
  // Local machines are always there, first, whatever the relay does.
  expect(view.devices[0]?.machine_id).toBe('localbox');
}

function create(mode: 'watch' | 'poll' | 'once'): Discovery {
  const s = sys!;
  s.d = createDiscovery({
    wallet,
    relayUrl: s.url,
    store: memoryStore({ local }),
    WebSocket: WebSocket as unknown as new (url: string) => object,
    mode,
    timers: s.timers,
    random: () => 0.5,
    timeoutMs: TIMEOUT_MS,
    pollMs: POLL_MS,
    ...INPUT,
  });
  s.d.actor.subscribe((snap) => s.trace.push(snap.value as string));
  return s.d;
}

const exec = {
  'client.started': ({ event }: { event: ClientEvent }) => create((event as Extract<ClientEvent, { type: 'client.started' }>).mode).start(),
  // Stopping a runtime that never started is a real case too (a TUI quitting at once).
  'client.stopped': () => (sys!.d ?? create('watch')).stop(),
  'registry.fetched': () => sys!.peer.answerGet(200, [entry('fetched')]),
  'watch.snapshot': async () => {
    if (state() === 'live') sys!.peer.send({ type: 'snapshot', entries: [entry('snap')] });
    else await sys!.peer.acceptWatch([entry('snap')]);
  },
  'watch.changed': () => sys!.peer.send({ type: 'upsert', entry: entry('upserted') }),
  'watch.unsupported': async () => {
    sys!.peer.rejectWatch(404);
    await until(() => sys!.peer.gets.length > 0, 3000, 'the probe GET');
    sys!.peer.answerGet(200, []);
  },
  'watch.closed': () => sys!.peer.watch!.close(1011),
  'fetch.failed': async () => {
    if (sys!.d!.getState() === 'fetching' && sys!.peer.upgrades.length > 0) {
      sys!.peer.rejectWatch(503);
      await until(() => sys!.peer.gets.length > 0, 3000, 'the probe GET');
    }
    sys!.peer.answerGet(500, { error: 'down' });
  },
  'fetch.timedOut': () => sys!.timers.ring('fetch'),
  'retry.due': () => sys!.timers.ring('retry'),
  'poll.due': () => sys!.timers.ring('poll'),
  // The runtime reports these itself from its own actions; the path only checks they happened.
  'entries.opened': () => {},
  'list.merged': () => {},
  'notices.sent': () => {},
};

describe('clientMachine, walked against the real discovery runtime', () => {
  it('has one path per transition of the chart', () => {
    expect(paths.length).toBe(19);
  });

  for (const path of paths) {
    it(`reaches ${JSON.stringify(path.state.value)} via ${path.steps.map((s) => s.event.type + ('mode' in s.event ? `(${String(s.event.mode)})` : '')).join(' → ')}`, async () => {
      const peer = new Peer();
      sys = { peer, url: await peer.listen(), timers: new HandTimers(), trace: ['idle'], cursor: 0 };
      await path.test({
        states: Object.fromEntries(Object.keys(clientMachine.root.states).map((k) => [k, (snap: unknown) => settled(snap as Snap)])) as never,
        events: exec as never,
      });
      coverage.record(path);
    });
  }

  afterAll(() => {
    const report = coverage.write();
    expect(report.missing).toEqual([]);
  });
});
