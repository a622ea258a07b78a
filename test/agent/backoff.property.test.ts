// Property tests of the agent's reconnect backoff (SPEC §4, issue #4): full jitter in
// [0, ceiling], ceiling doubling to the 30 s cap, reset only after healthy uptime, and agents
// with independent randomness spreading out instead of reconnecting in lock-step.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { agentMachine, backoffDelay, BACKOFF_BASE_MS, BACKOFF_CAP_MS, type AgentEvent } from '../../machines/agentMachine.js';

/** A small seeded PRNG (mulberry32), so each simulated agent has its own random stream. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const draw = fc.oneof(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 1));

const lifecycleEvent: fc.Arbitrary<AgentEvent> = fc.oneof(
  fc.record({ type: fc.constant('socket.closed' as const), draw }),
  fc.record({ type: fc.constant('heartbeat.missed' as const), draw }),
  fc.constant({ type: 'backoff.elapsed' as const }),
  fc.constant({ type: 'relay.ready' as const }),
  fc.constant({ type: 'publish.sent' as const }),
  fc.constant({ type: 'uptime.healthy' as const }),
  fc.constant({ type: 'record.changed' as const }),
  fc.constant({ type: 'registration.changed' as const }),
);

describe('agent backoff', () => {
  it('draws a whole number of milliseconds in [0, ceiling] for any draw, even NaN or out of range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: BACKOFF_CAP_MS }), draw, (ceiling, d) => {
        const delay = backoffDelay(ceiling, d);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('uses the whole jitter range: draw 0 waits 0, a draw near 1 waits the full ceiling', () => {
    expect(backoffDelay(1000, 0)).toBe(0);
    expect(backoffDelay(1000, 0.99999999)).toBe(1000);
    expect(backoffDelay(30_000, 0.5)).toBe(15_000);
  });

  it('never waits above the cap or below 0, and only healthy uptime lowers the ceiling', () => {
    fc.assert(
      fc.property(fc.array(lifecycleEvent, { maxLength: 80 }), (events) => {
        const actor = createActor(agentMachine, { input: {} }).start();
        let drops = 0; // drops since the last healthy uptime
        for (const event of events) {
          const before = actor.getSnapshot();
          actor.send(event);
          const after = actor.getSnapshot();
          const { ceilingMs, delayMs, baseMs, capMs } = after.context;
          expect(ceilingMs).toBeGreaterThanOrEqual(baseMs);
          expect(ceilingMs).toBeLessThanOrEqual(capMs);
          expect(delayMs).toBeGreaterThanOrEqual(0);
          expect(delayMs).toBeLessThanOrEqual(capMs);
          if (after.value === 'backoff' && before.value !== 'backoff') {
            drops++;
            expect(delayMs).toBeLessThanOrEqual(before.context.ceilingMs); // full jitter in [0, ceiling]
          }
          if (ceilingMs < before.context.ceilingMs) {
            // The only way down is a connection that stayed up long enough (SPEC §4).
            expect(event.type).toBe('uptime.healthy');
            expect(ceilingMs).toBe(baseMs);
          }
          if (event.type === 'uptime.healthy' && typeof before.value === 'object') drops = 0;
          expect(ceilingMs).toBe(Math.min(capMs, baseMs * 2 ** drops));
        }
        actor.stop();
      }),
    );
  });

  it('does not storm a relay that accepts and drops at once: the ceiling climbs to the cap', () => {
    fc.assert(
      fc.property(fc.array(draw, { minLength: 6, maxLength: 30 }), (draws) => {
        const actor = createActor(agentMachine, { input: {} }).start();
        const ceilings: number[] = [];
        for (const d of draws) {
          actor.send({ type: 'relay.ready' });
          actor.send({ type: 'publish.sent' });
          actor.send({ type: 'socket.closed', draw: d }); // dropped well before healthy uptime
          ceilings.push(actor.getSnapshot().context.ceilingMs);
          actor.send({ type: 'backoff.elapsed' });
        }
        expect(ceilings.slice(0, 5)).toEqual([2000, 4000, 8000, 16000, 30000]);
        expect(ceilings.slice(5).every((c) => c === BACKOFF_CAP_MS)).toBe(true);
        actor.stop();
      }),
    );
  });

  it('keeps two agents with independent randomness out of phase after a shared drop', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (seedA, seedB) => {
        fc.pre(seedA !== seedB);
        // Both lose the relay at t=0 and it stays down: each retry fails at once.
        const schedule = (random: () => number) => {
          const actor = createActor(agentMachine, { input: {} }).start();
          actor.send({ type: 'relay.ready' });
          actor.send({ type: 'uptime.healthy' });
          const times: number[] = [];
          let t = 0;
          for (let i = 0; i < 6; i++) {
            actor.send({ type: 'socket.closed', draw: random() });
            t += actor.getSnapshot().context.delayMs;
            times.push(t);
            actor.send({ type: 'backoff.elapsed' });
          }
          actor.stop();
          return times;
        };
        const a = schedule(prng(seedA));
        const b = schedule(prng(seedB));
        // Phase-locked would mean the same attempt times; independent draws never keep that up.
        expect(a.filter((t, i) => Math.abs(t - b[i]!) < 1).length).toBeLessThan(a.length);
      }),
    );
  });

  it('spreads a crowd of agents over the jitter window instead of a thundering herd', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const next = prng(seed);
        const n = 400;
        // Healthy agents dropped together: first retry at a uniform point of [0, base].
        const firstRetry = Array.from({ length: n }, () => backoffDelay(BACKOFF_BASE_MS, next()));
        const buckets = new Array<number>(10).fill(0);
        for (const t of firstRetry) buckets[Math.min(9, Math.floor(t / 100))]!++;
        // 40 expected per 100 ms; a herd would put them all in one bucket.
        expect(Math.max(...buckets)).toBeLessThan(n / 4);
      }),
      { numRuns: 50 },
    );
  });
});
