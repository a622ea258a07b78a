/**
 * Model-based test of machines/relaySessionMachine.ts against the REAL relay (issue #3): one path
 * per transition the chart defines (pathsForEveryTransition), each replayed on a fresh relay on
 * loopback with a real `ws` agent. Time is real but short (grace 2 s, heartbeat 0.3 s); each
 * event's executor waits for the relay's own log line of that event, so a step only passes when
 * the relay really did it, and each state is checked on the wire (listing, socket, close code).
 * Coverage: TransitionCoverage 'relaySessionMachine'.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { createTestModel } from 'xstate/graph';
import { relaySessionMachine, type RelaySessionEvent, type RelaySessionState } from '../../machines/relaySessionMachine.js';
import { pathsForEveryTransition, TransitionCoverage } from '../model/transition-coverage.js';
import { agent, cleanup, list, newBlob, newMachine, newWalletAddress, publish, relay, waitFor, type Peer, type TestRelay } from './helpers.js';

afterEach(cleanup);

const events: RelaySessionEvent[] = [
  { type: 'session.accepted', inherited: false },
  { type: 'session.accepted', inherited: true },
  { type: 'agent.published', blob: 'QUJD' },
  { type: 'agent.withdrew' },
  { type: 'agent.bye' },
  { type: 'agent.refused', code: 'RELAY_ERR_BLOB_NOT_BASE64' },
  { type: 'socket.closed' },
  { type: 'heartbeat.missed' },
  { type: 'slot.taken' },
  { type: 'grace.expired' },
];

const model = createTestModel(relaySessionMachine, { events });
const paths = pathsForEveryTransition(model, relaySessionMachine, events);
const coverage = new TransitionCoverage('relaySessionMachine', relaySessionMachine);

/** The real system for one path: a fresh relay, one slot, the agent socket(s) playing it. */
interface Sut {
  r: TestRelay;
  wallet: string;
  machineId: string;
  peer?: Peer;
  /** The socket a `slot.taken` step replaced. */
  replaced?: Peer;
  /** The blob the relay should be listing for the slot, if any. */
  listed?: string;
  /** A pure copy of the chart, to know each step's source state. */
  mirror: ReturnType<typeof createActor<typeof relaySessionMachine>>;
}

const logCount = (s: Sut, event: string) => s.r.logs.filter((l) => l.event === event && l.machine_id === s.machineId).length;
async function afterLog(s: Sut, event: string, act: () => unknown, timeoutMs = 4_000): Promise<void> {
  const before = logCount(s, event);
  await act();
  await waitFor(() => logCount(s, event) > before, `relay log "${event}"`, timeoutMs);
}
const listing = async (s: Sut) => JSON.stringify(await list(s.r, s.wallet));
const expected = (s: Sut) => JSON.stringify(s.listed ? [{ machine_id: s.machineId, blob: s.listed }] : []);
const isOpen = (p?: Peer) => p !== undefined && p.ws.readyState === p.ws.OPEN;

function executors(s: Sut): Record<RelaySessionEvent['type'], (event: RelaySessionEvent) => Promise<void>> {
  const from = () => s.mirror.getSnapshot().value as RelaySessionState;
  const wasListed = () => from() === 'published' || from() === 'republished';
  return {
    'session.accepted': async (event) => {
      if (event.type === 'session.accepted' && event.inherited) {
        // A predecessor of the slot published and dropped: its entry is in grace when we connect.
        const before = await agent(s.r, s.wallet, s.machineId);
        const blob = newBlob();
        await afterLog(s, 'publish', () => publish(before, blob));
        await afterLog(s, 'drop', () => before.ws.close());
        s.listed = blob;
      }
      s.peer = await agent(s.r, s.wallet, s.machineId);
      await waitFor(() => s.peer!.messages.some((m) => m.type === 'ready'), 'ready');
    },
    'agent.published': async () => {
      const blob = newBlob();
      await afterLog(s, 'publish', () => publish(s.peer!, blob));
      s.listed = blob;
    },
    'agent.withdrew': async () => {
      await afterLog(s, 'withdraw', () => publish(s.peer!, ''));
      s.listed = undefined;
    },
    'agent.bye': async () => {
      await afterLog(s, 'leave', () => s.peer!.ws.send('{"type":"bye"}'));
      expect(await s.peer!.closed).toBe(1000);
      s.listed = undefined;
    },
    'agent.refused': async () => {
      const listed = wasListed();
      await afterLog(s, listed ? 'drop' : 'gone', () => publish(s.peer!, 'not base64!'));
      expect(await s.peer!.closed).toBe(1007);
      if (!listed) s.listed = undefined;
    },
    'socket.closed': async () => {
      const listed = wasListed();
      await afterLog(s, listed ? 'drop' : 'gone', () => s.peer!.ws.close());
      if (!listed) s.listed = undefined;
    },
    'heartbeat.missed': async () => {
      const listed = wasListed();
      await afterLog(s, listed ? 'drop' : 'gone', () => (s.peer!.answerPings = false));
      expect(await s.peer!.closed).toBe(1006); // terminated: no closing handshake
      if (!listed) s.listed = undefined;
    },
    'slot.taken': async () => {
      s.replaced = s.peer;
      // The newcomer inherits a listed entry until it publishes its own (no remove on a blink).
      await afterLog(s, 'replace', async () => (s.peer = await agent(s.r, s.wallet, s.machineId)));
    },
    'grace.expired': async () => {
      await afterLog(s, 'expire', () => undefined, 4_000);
      s.listed = undefined;
    },
  };
}

function stateChecks(s: Sut): Record<RelaySessionState, () => Promise<void>> {
  const listedAsExpected = async () => expect(await listing(s)).toBe(expected(s));
  return {
    open: async () => {
      expect(s.peer).toBeUndefined();
      expect(await listing(s)).toBe('[]');
    },
    registered: async () => {
      expect(isOpen(s.peer)).toBe(true);
      expect(s.listed).toBeUndefined();
      await listedAsExpected();
    },
    published: async () => {
      expect(isOpen(s.peer)).toBe(true);
      await listedAsExpected();
    },
    republished: async () => {
      expect(isOpen(s.peer)).toBe(true);
      await listedAsExpected();
    },
    grace: async () => {
      expect(isOpen(s.peer)).toBe(false);
      expect(s.listed).toBeDefined();
      await listedAsExpected(); // still listed while the grace runs
    },
    gone: async () => {
      expect(isOpen(s.peer)).toBe(false);
      expect(await listing(s)).toBe('[]');
    },
    left: async () => {
      expect(await listing(s)).toBe('[]');
    },
    replaced: async () => {
      expect(await s.replaced!.closed).toBeOneOf([4409, 1000, 1005, 1006, 1007]);
      expect(isOpen(s.peer)).toBe(true); // the newcomer holds the slot
      await listedAsExpected();
    },
  };
}

describe('relaySessionMachine against the real relay', () => {
  it('has one path per transition of the chart', () => {
    expect(paths).toHaveLength(25);
  });

  for (const path of paths) {
    it(`reaches ${String(path.state.value)} via ${path.steps.map((st) => st.event.type).join(' → ')}`, async () => {
      const r = await relay({ graceSeconds: 2, heartbeatSeconds: 0.3 });
      const s: Sut = { r, wallet: newWalletAddress(), machineId: newMachine(), mirror: createActor(relaySessionMachine).start() };
      const exec = executors(s);
      const checks = stateChecks(s);
      await path.test({
        states: Object.fromEntries(Object.entries(checks).map(([k, check]) => [k, () => check()])),
        events: Object.fromEntries(
          Object.entries(exec).map(([type, run]) => [
            type,
            async ({ event }: { event: RelaySessionEvent }) => {
              await run(event);
              s.mirror.send(event);
            },
          ]),
        ) as never,
      });
      coverage.record(path);
    });
  }

  afterAll(() => {
    const report = coverage.write();
    expect(report.missing).toEqual([]);
  });
});
