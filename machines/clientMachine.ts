/**
 * The client's discovery flow (SPEC §4 client, issue #5): fetching → opening → merging →
 * notifying → live (watch socket), with retrying (backoff) when the relay cannot be reached and a
 * polling fallback when the relay has no watch endpoint (a reference relay).
 *
 * Pure: no invoke, no after, no I/O, no clock. The runtime shell (client/discovery.ts) performs
 * the named actions and feeds facts back as events. Blobs and records never enter the context or
 * the events: the shell stashes a fetched batch and `openEntries` opens whatever it stashed.
 *
 * opening, merging and notifying each run one entry action and the shell reports it done
 * (`entries.opened`, `list.merged`, `notices.sent`) from inside that action, so the three steps run
 * back to back from the actor's mailbox before any socket or timer event can land between them.
 */
import { assign, setup } from 'xstate';

/** live: watch socket, then polling if it is missing; poll: GET on a timer; once: one GET. */
export type ClientMode = 'watch' | 'poll' | 'once';

export interface ClientInput {
  /** Backoff ceiling after the first failure, in ms (SPEC §4 uses 1 s). */
  backoffBaseMs: number;
  /** The backoff ceiling never grows past this, in ms (SPEC §4 uses 30 s). */
  backoffCapMs: number;
}

export interface ClientContext {
  mode: ClientMode;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Failed fetches in a row; reset by any answer from the registry. */
  failures: number;
  /** The ceiling the shell draws the next retry delay under (jitter is the shell's, it has random). */
  retryCeilingMs: number;
}

export type ClientEvent =
  /** The shell started the client in a mode (an event, not input, so one chart walk covers all three). */
  | { type: 'client.started'; mode: ClientMode }
  /** The shell stopped the client (stop(), a one-shot that has its answer, SIGINT). */
  | { type: 'client.stopped' }
  /** GET /registry answered 200 with a well-formed array (stashed in the shell). */
  | { type: 'registry.fetched'; count: number }
  /** The watch socket delivered its snapshot (stashed in the shell). */
  | { type: 'watch.snapshot'; count: number }
  /** The watch socket delivered an upsert or a remove (stashed in the shell). */
  | { type: 'watch.changed' }
  /** The watch upgrade failed while GET /registry answers: a relay with only the reference endpoints. */
  | { type: 'watch.unsupported' }
  /** The live watch socket closed. */
  | { type: 'watch.closed'; code: number }
  /** The registry could not be reached or answered badly. */
  | { type: 'fetch.failed'; reason: string }
  /** The fetch timer (armed on entering fetching) rang first. */
  | { type: 'fetch.timedOut' }
  /** The retry timer rang. */
  | { type: 'retry.due' }
  /** The poll timer rang. */
  | { type: 'poll.due' }
  /** The shell opened the stashed entries (dropped: how many did not open). */
  | { type: 'entries.opened'; dropped: number }
  /** The shell merged the list. */
  | { type: 'list.merged'; count: number }
  /** The shell announced new machines (and persisted the seen set). */
  | { type: 'notices.sent'; count: number };

/** The next backoff ceiling: base · 2^(failures−1), capped (SPEC §4 backoff). */
export function retryCeiling(base: number, cap: number, failures: number): number {
  return Math.min(cap, base * 2 ** Math.min(30, Math.max(0, failures - 1)));
}

const failed = [
  { guard: 'isOnce', target: 'offline' },
  { target: 'retrying', actions: 'countFailure' },
] as const;

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as ClientInput,
  },
  actions: {
    /** Open the watch socket (mode watch) or GET /registry (poll, once). */
    startFetch: () => {},
    /** Arm the fetch timeout (→ fetch.timedOut). */
    armFetchTimer: () => {},
    cancelFetchTimer: () => {},
    /** Close a half-open watch socket / abort a pending GET after a timeout. */
    abortFetch: () => {},
    /** Open every stashed entry with K_reg and its machine_id; count what does not open. */
    openEntries: () => {},
    /** Merge local machines.json with the opened registry entries (local wins by machine_id). */
    mergeList: () => {},
    /** Announce machine_ids never seen on this device; persist the seen set. */
    notifyNew: () => {},
    /** Arm the retry timer (→ retry.due) with a delay drawn under context.retryCeilingMs. */
    armRetryTimer: () => {},
    cancelRetryTimer: () => {},
    /** Arm the poll timer (→ poll.due). */
    armPollTimer: () => {},
    cancelPollTimer: () => {},
    /** Close the watch socket, cancel every timer, stop delivering views. */
    closeAll: () => {},
    // Stops counting once the ceiling reached the cap: nothing changes past it, and a bounded
    // context keeps the chart finite for xstate/graph.
    countFailure: assign(({ context }) => {
      const atCap = context.failures > 0 && context.retryCeilingMs >= context.backoffCapMs;
      const failures = atCap ? context.failures : context.failures + 1;
      return { failures, retryCeilingMs: retryCeiling(context.backoffBaseMs, context.backoffCapMs, failures) };
    }),
    setMode: assign({ mode: ({ event }) => (event.type === 'client.started' ? event.mode : 'watch') }),
    resetFailures: assign({ failures: 0, retryCeilingMs: ({ context }) => context.backoffBaseMs }),
    fallBackToPolling: assign({ mode: 'poll' as ClientMode }),
  },
  guards: {
    isOnce: ({ context }) => context.mode === 'once',
    isPolling: ({ context }) => context.mode === 'poll',
    isWatching: ({ context }) => context.mode === 'watch',
    isFetchingByGet: ({ context }) => context.mode !== 'watch',
  },
}).createMachine({
  id: 'client',
  initial: 'idle',
  context: ({ input }) => ({
    mode: 'watch',
    backoffBaseMs: input.backoffBaseMs,
    backoffCapMs: input.backoffCapMs,
    failures: 0,
    retryCeilingMs: input.backoffBaseMs,
  }),
  on: { 'client.stopped': '.stopped' },
  states: {
    idle: { on: { 'client.started': { target: 'fetching', actions: 'setMode' } } },
    fetching: {
      entry: ['armFetchTimer', 'startFetch'],
      exit: 'cancelFetchTimer',
      on: {
        // Guarded by mode so the chart only admits what the shell can really deliver in it.
        'registry.fetched': { guard: 'isFetchingByGet', target: 'opening', actions: 'resetFailures' },
        'watch.snapshot': { guard: 'isWatching', target: 'opening', actions: 'resetFailures' },
        'watch.unsupported': { guard: 'isWatching', target: 'fetching', reenter: true, actions: 'fallBackToPolling' },
        'fetch.failed': failed,
        'fetch.timedOut': [
          { guard: 'isOnce', target: 'offline', actions: 'abortFetch' },
          { target: 'retrying', actions: ['abortFetch', 'countFailure'] },
        ],
      },
    },
    opening: { entry: 'openEntries', on: { 'entries.opened': 'merging' } },
    merging: { entry: 'mergeList', on: { 'list.merged': 'notifying' } },
    notifying: {
      entry: 'notifyNew',
      on: { 'notices.sent': [{ guard: 'isOnce', target: 'done' }, { guard: 'isPolling', target: 'polling' }, { target: 'live' }] },
    },
    live: {
      on: {
        'watch.changed': 'opening',
        'watch.snapshot': 'opening',
        'watch.closed': { target: 'retrying', actions: 'countFailure' },
      },
    },
    polling: {
      entry: 'armPollTimer',
      exit: 'cancelPollTimer',
      on: { 'poll.due': 'fetching' },
    },
    retrying: {
      entry: 'armRetryTimer',
      exit: 'cancelRetryTimer',
      on: { 'retry.due': 'fetching' },
    },
    /** A one-shot that could not reach the registry: local machines only. */
    offline: { type: 'final' },
    /** A one-shot that has its answer. */
    done: { type: 'final' },
    stopped: { type: 'final', entry: 'closeAll' },
  },
});

export type ClientMachine = typeof clientMachine;
export type ClientStateValue = 'idle' | 'fetching' | 'opening' | 'merging' | 'notifying' | 'live' | 'polling' | 'retrying' | 'offline' | 'done' | 'stopped';
