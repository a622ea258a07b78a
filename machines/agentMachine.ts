/**
 * The agent lifecycle (SPEC §4, issue #4):
 *
 *   connecting → live.registered (relay said ready; publish sent off)
 *              → live.published  (the registry frame left the socket)
 *              → live.serving    (the connection stayed healthy ≥ healthyMs: backoff ceiling reset)
 *   any drop (socket closed, or a ping unanswered for a heartbeat interval) → backoff → connecting → … → publish again (reconnect-republish)
 *
 * Backoff (SPEC §4): base 1 s, cap 30 s, full jitter in [0, ceiling]; the ceiling doubles on
 * every drop or failed attempt and goes back to base only on `uptime.healthy`, so a relay that
 * accepts and drops at once cannot cause a 1-second storm. The random draw arrives on the
 * `socket.closed` event (the shell draws it), so the machine stays pure and replayable.
 *
 * Pure: no invoke, no after, no I/O, no clock, no randomness, no secrets in context. Effects are
 * named actions (`openSocket`, `sendPublish`, `armBackoffTimer`, …) the runtime shell
 * (agent/runtime.ts) supplies with `machine.provide`; sockets, timers, file changes and signals
 * come back as events that read as facts.
 */
import { assign, setup } from 'xstate';

/** SPEC §4 backoff figures, in milliseconds. */
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
/** A connection must stay up this long before the backoff ceiling resets (SPEC §4). */
export const HEALTHY_UPTIME_MS = 10_000;
/**
 * The agent pings the relay this often on a live socket; a relay that stays silent for a whole
 * interval after a ping is treated as gone. Without it a half-open TCP connection (laptop
 * sleep, NAT timeout) would keep the agent "live" and unlisted forever.
 */
export const HEARTBEAT_MS = 30_000;

/**
 * Full-jitter delay for a draw in [0, 1): an integer in [0, ceilingMs], both ends included.
 * A draw that is not a number in [0, 1) is clamped; NaN waits the whole ceiling (never a storm).
 * @example backoffDelay(1000, 0.5) === 500
 */
export function backoffDelay(ceilingMs: number, draw: number): number {
  if (!Number.isFinite(draw)) return ceilingMs;
  const d = Math.min(Math.max(draw, 0), 1);
  return Math.min(ceilingMs, Math.floor(d * (ceilingMs + 1)));
}

/** The ceiling after one more failure: doubled, never above the cap. */
export function nextCeiling(ceilingMs: number, capMs: number): number {
  return Math.min(capMs, ceilingMs * 2);
}

/** Backoff figures; tests shrink them, the daemon uses the SPEC defaults. */
export interface AgentMachineInput {
  baseMs?: number;
  capMs?: number;
  healthyMs?: number;
  heartbeatMs?: number;
}

/** Everything here is safe to stream to the inspector: timings only. */
export interface AgentContext {
  readonly baseMs: number;
  readonly capMs: number;
  /** How long `armUptimeTimer` waits before the shell sends `uptime.healthy`. */
  readonly healthyMs: number;
  /** Interval of the shell's pings on a live socket (`startHeartbeat`). */
  readonly heartbeatMs: number;
  /** The jitter ceiling for the next drop. */
  readonly ceilingMs: number;
  /** The delay drawn for the current (or last) backoff; `armBackoffTimer` arms it. */
  readonly delayMs: number;
}

/** Events the shell feeds in; each reads as a fact that already happened. */
export type AgentEvent =
  /** The relay accepted the registration: `{"type":"ready"}` arrived. */
  | { type: 'relay.ready' }
  /** The registry frame asked for by `sendPublish` has been written to the socket. */
  | { type: 'publish.sent' }
  /** The connection has been up for `healthyMs` (timer armed by `armUptimeTimer`). */
  | { type: 'uptime.healthy' }
  /** The socket closed or never opened; `draw` is a fresh random number in [0, 1). */
  | { type: 'socket.closed'; draw: number; code?: number }
  /** The relay answered nothing for a whole heartbeat interval after a ping; `draw` as above. */
  | { type: 'heartbeat.missed'; draw: number }
  /** The backoff timer armed by `armBackoffTimer` ran out. */
  | { type: 'backoff.elapsed' }
  /** The record changed (name or host key, e.g. `mir-agent rename`): republish on the live socket. */
  | { type: 'record.changed' }
  /** The registration changed (relay URL, machine_id or secret): reconnect. */
  | { type: 'registration.changed' }
  /** The relay sent something the agent does not handle (attach, offer, bad JSON, binary). */
  | { type: 'relay.unhandled'; kind: string }
  /** SIGINT / SIGTERM or `runtime.stop()`: leave cleanly. */
  | { type: 'signal.stop' };

/**
 * The agent chart. Action implementations here are no-ops; the shell supplies the real ones by
 * name, so the chart stays pure and `xstate/graph` can walk it.
 */
export const agentMachine = setup({
  types: {
    context: {} as AgentContext,
    events: {} as AgentEvent,
    input: {} as AgentMachineInput | undefined,
  },
  actions: {
    /** Open a WebSocket to `<relay>/agent/signal` with the registration headers. */
    openSocket: () => {},
    /** Close the current socket (normal closure) and forget it; its late events are ignored. */
    closeSocket: () => {},
    /** Seal a fresh record and send it; the shell answers `publish.sent` once it is written. */
    sendPublish: () => {},
    /** Seal and send a fresh record on the live socket after a record change. */
    republish: () => {},
    /** Send `{"type":"bye"}` so the relay drops the entry at once (SPEC §3 clean leave). */
    sendBye: () => {},
    /** Start the healthy-uptime timer; the shell sends `uptime.healthy` after `healthyMs`. */
    armUptimeTimer: () => {},
    cancelUptimeTimer: () => {},
    /** Ping every `heartbeatMs`; the shell sends `heartbeat.missed` when a ping goes unanswered. */
    startHeartbeat: () => {},
    stopHeartbeat: () => {},
    /** Drop the socket without a closing handshake (the relay is not listening any more). */
    terminateSocket: () => {},
    /** Start the backoff timer for `context.delayMs`; the shell sends `backoff.elapsed`. */
    armBackoffTimer: () => {},
    cancelBackoffTimer: () => {},
    /** Draw this drop's delay from the event's random number, then double the ceiling. */
    drawBackoff: assign(({ context, event }) => {
      const draw = event.type === 'socket.closed' || event.type === 'heartbeat.missed' ? event.draw : NaN;
      return { delayMs: backoffDelay(context.ceilingMs, draw), ceilingMs: nextCeiling(context.ceilingMs, context.capMs) };
    }),
    /** A healthy connection earns a fresh ceiling (SPEC §4). */
    resetBackoff: assign(({ context }) => ({ ceilingMs: context.baseMs })),
    // Logging effects: the shell decides how loud each is (once per state change, issue #4).
    logReady: () => {},
    logServing: () => {},
    logDrop: () => {},
    logConnectFailed: () => {},
    logUnhandled: () => {},
    logStopped: () => {},
  },
}).createMachine({
  id: 'agent',
  context: ({ input }) => {
    const baseMs = input?.baseMs ?? BACKOFF_BASE_MS;
    return {
      baseMs,
      capMs: input?.capMs ?? BACKOFF_CAP_MS,
      healthyMs: input?.healthyMs ?? HEALTHY_UPTIME_MS,
      heartbeatMs: input?.heartbeatMs ?? HEARTBEAT_MS,
      ceilingMs: baseMs,
      delayMs: 0,
    };
  },
  initial: 'connecting',
  states: {
    connecting: {
      entry: 'openSocket',
      on: {
        'relay.ready': { target: 'live', actions: 'logReady' },
        // Anything the relay sends that we do not handle is logged and ignored (issue #4).
        'relay.unhandled': { actions: 'logUnhandled' },
        'socket.closed': { target: 'backoff', actions: ['drawBackoff', 'logConnectFailed'] },
        'registration.changed': { target: 'connecting', reenter: true, actions: 'closeSocket' },
        'signal.stop': { target: 'stopped', actions: 'closeSocket' },
      },
    },
    live: {
      entry: ['armUptimeTimer', 'startHeartbeat'],
      exit: ['cancelUptimeTimer', 'stopHeartbeat'],
      initial: 'registered',
      on: {
        'socket.closed': { target: 'backoff', actions: ['drawBackoff', 'logDrop'] },
        'heartbeat.missed': { target: 'backoff', actions: ['terminateSocket', 'drawBackoff', 'logDrop'] },
        'uptime.healthy': { target: '.serving', actions: ['resetBackoff', 'logServing'] },
        'record.changed': { actions: 'republish' },
        'relay.unhandled': { actions: 'logUnhandled' },
        // Leaving this registration on purpose: say bye so the old slot is dropped at once.
        'registration.changed': { target: 'connecting', actions: ['sendBye', 'closeSocket'] },
        'signal.stop': { target: 'stopped', actions: ['sendBye', 'closeSocket'] },
      },
      states: {
        registered: {
          entry: 'sendPublish',
          on: { 'publish.sent': { target: 'published' } },
        },
        published: {},
        serving: {},
      },
    },
    backoff: {
      entry: 'armBackoffTimer',
      exit: 'cancelBackoffTimer',
      on: {
        'backoff.elapsed': { target: 'connecting' },
        // A new relay URL is worth trying now, not after the old relay's backoff.
        'registration.changed': { target: 'connecting' },
        'signal.stop': { target: 'stopped' },
      },
    },
    stopped: { type: 'final', entry: 'logStopped' },
  },
});

/** The chart's state names as the shell reports them (`live.*` flattened to its child). */
export type AgentStateName = 'connecting' | 'registered' | 'published' | 'serving' | 'backoff' | 'stopped';
