/**
 * The discovery runtime (issue #5): the shell around machines/clientMachine.ts that owns the
 * sockets, the GETs and the timers, opens blobs, merges, and announces new machines. Browser-safe:
 * WebSocket, fetch, timers, random and the store are injected (Node wiring: client/node.ts).
 *
 * API — for the TUI (#6) and the page (#7):
 *
 *   const d = createDiscovery({
 *     wallet: { address, registryKey },  // K_reg stays in this closure, never in the actor
 *     relayUrl: 'ws://127.0.0.1:8787',   // ws(s)://; HTTP endpoints derive from it
 *     store,                             // DiscoveryStore: memoryStore(), browserStore(localStorage), fileStore(home)
 *     WebSocket,                         // a WebSocket class (browser global or `ws`); none → polling
 *     mode: 'watch',                     // 'watch' (default) | 'poll' | 'once'
 *   });
 *   const off = d.subscribe((view: DiscoveryView) => render(view)); // called at once, then on each change
 *   d.onNotice((n: Notice) => toast(noticeText(n.name)));             // once per machine_id ever
 *   d.start();  …  d.getView();  d.getState();  d.stop();
 *
 *   await discoverOnce(options) → { view, reached, notices }   // one GET with a timeout (mir list)
 *
 * Modes: watch opens `WS /registry/watch?wallet=` (snapshot, upsert, remove); a lost socket →
 * retrying with backoff → watch again. If the upgrade fails while GET /registry answers, the relay
 * has only the reference endpoints: the client falls back to polling GET /registry.
 */
import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { clientMachine, type ClientMode, type ClientStateValue } from '../machines/clientMachine.js';
import { OpenedRegistry, parseRegistryBody, parseWatchMessage, type Batch } from './entries.js';
import { mergeRows, type LocalEntry } from './merge.js';
import { type DiscoveryStore } from './store.js';
import { type ConnectionState, type DeviceRow, type DiscoveryView, type Notice } from './view.js';

/** The browser WebSocket subset the runtime uses; `ws` has it too. */
interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number): void;
}

/** setTimeout/clearTimeout, injectable so tests can ring timers themselves. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<{ status: number; json(): Promise<unknown> }>;

export interface DiscoveryOptions {
  /** The wallet being listed: its address (owner_id) and K_reg (SPEC §2). */
  wallet: { readonly address: string; readonly registryKey: Uint8Array };
  /** ws:// or wss:// relay URL (no trailing slash needed). */
  relayUrl: string;
  store: DiscoveryStore;
  /** Default 'watch'; without a WebSocket class, 'watch' becomes 'poll'. */
  mode?: ClientMode;
  /** A WebSocket class (`globalThis.WebSocket` in a browser, `ws` in Node). */
  WebSocket?: new (url: string) => object;
  /** Default globalThis.fetch. */
  fetch?: FetchLike;
  timers?: Timers;
  /** [0, 1), for backoff jitter. Default Math.random. */
  random?: () => number;
  /** How long a fetch (or watch snapshot) may take, ms. Default 5000. */
  timeoutMs?: number;
  /** Polling interval when the relay has no watch endpoint, ms. Default 10000. */
  pollMs?: number;
  /** Backoff ceiling after the first failure and its cap, ms (SPEC §4: 1 s and 30 s). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** This device's own machine_id (an agent in the same home): never announced as new. */
  selfMachineId?: string;
  /** Told when the store could not persist the seen set (the list goes on; the save is retried). */
  onStoreError?: (err: unknown) => void;
  /** `--inspect`: passed to createActor. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

export interface Discovery {
  start(): void;
  stop(): void;
  getView(): DiscoveryView;
  /** The chart's state (tests, --debug). */
  getState(): ClientStateValue;
  /** Called at once with the current view, then on every change; returns the unsubscribe. */
  subscribe(listener: (view: DiscoveryView) => void): () => void;
  /** Called once per machine_id never seen before on this device (after it is persisted). */
  onNotice(listener: (notice: Notice) => void): () => void;
  /** The XState actor, for inspection. */
  readonly actor: Actor<typeof clientMachine>;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as Parameters<typeof clearTimeout>[0]),
};

/** http(s) base of a ws(s) relay URL (kept here: common/args.ts is Node-only). */
export const httpBaseOf = (relayUrl: string): string => relayUrl.replace(/^ws/, 'http').replace(/\/+$/, '');

function reasonOf(err: unknown): string {
  // fetch() in Node says only "fetch failed"; the reason (ECONNREFUSED…) sits in its cause.
  const cause = (err as { cause?: { code?: string; message?: string; errors?: Array<{ code?: string }> } }).cause;
  const why = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
  if (why) return why;
  if (err instanceof Error) return err.name === 'AbortError' ? 'aborted' : err.message;
  return String(err);
}

/** Calls a listener; its error is rethrown on its own, so it cannot break the actor mid-step. */
function safely<T>(listener: (value: T) => void, value: T): void {
  try {
    listener(value);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}

/** Creates a discovery runtime; nothing happens until start(). */
export function createDiscovery(options: DiscoveryOptions): Discovery {
  const { wallet, store } = options;
  const timers = options.timers ?? defaultTimers;
  const random = options.random ?? Math.random;
  const fetchFn: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const WS = (options.WebSocket ?? (globalThis as { WebSocket?: new (url: string) => object }).WebSocket) as (new (url: string) => WebSocketLike) | undefined;
  const requested = options.mode ?? 'watch';
  const mode: ClientMode = requested === 'watch' && !WS ? 'poll' : requested;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollMs = options.pollMs ?? 10_000;
  const base = httpBaseOf(options.relayUrl);
  const wsBase = options.relayUrl.replace(/\/+$/, '');
  const q = `wallet=${encodeURIComponent(wallet.address)}`;

  const newest = store.loadSeen();
  const announced = new Set(newest.keys());
  if (options.selfMachineId) announced.add(options.selfMachineId);
  const local: readonly LocalEntry[] = store.loadLocal();
  const registry = new OpenedRegistry(wallet.registryKey, newest);
  const newThisRun = new Set<string>();
  let pending: Batch[] = [];
  let seenDirty = false;

  let gen = 0; // bumped whenever a fetch is started or abandoned: late callbacks of old ones are ignored
  let socket: WebSocketLike | null = null;
  let aborter: AbortController | null = null;
  let fetchTimer: unknown;
  let retryTimer: unknown;
  let pollTimer: unknown;
  let retryDelayMs = 0;
  let problem: string | undefined;
  let rows: DeviceRow[] = mergeRows(local, registry.opened);
  let view: DiscoveryView;
  let stopped = false;
  const listeners = new Set<(view: DiscoveryView) => void>();
  const noticeListeners = new Set<(notice: Notice) => void>();

  const send = (event: Parameters<Actor<typeof clientMachine>['send']>[0]): void => {
    // A one-shot run ends in a final state; a late socket or fetch result then has no one to tell.
    if (!stopped && actor.getSnapshot().status === 'active') actor.send(event);
  };
  /** Stash a batch only when the chart will take the event that opens it. */
  const deliver = (batch: Batch, event: Parameters<typeof send>[0]): void => {
    if (stopped || !actor.getSnapshot().can(event)) return;
    pending.push(batch);
    send(event);
  };
  const fail = (g: number, reason: string): void => {
    if (g !== gen) return;
    problem = reason;
    send({ type: 'fetch.failed', reason });
  };

  function closeSocket(): void {
    const s = socket;
    socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = null;
      s.onerror = () => {};
      try {
        s.close();
      } catch {
        /* already closed */
      }
    }
  }

  async function getRegistry(g: number): Promise<readonly Batch[] | string> {
    const ctrl = new AbortController();
    aborter = ctrl;
    try {
      const res = await fetchFn(`${base}/registry?${q}`, { signal: ctrl.signal });
      if (res.status !== 200) return `registry answered HTTP ${res.status}`;
      const entries = parseRegistryBody(await res.json());
      return entries ? [{ kind: 'replace', entries }] : 'registry answered something that is not a list';
    } catch (err) {
      return reasonOf(err);
    } finally {
      if (g === gen) aborter = null;
    }
  }

  function fetchOnce(g: number): void {
    void getRegistry(g).then((r) => {
      if (g !== gen) return;
      if (typeof r === 'string') return fail(g, r);
      problem = undefined;
      deliver(r[0]!, { type: 'registry.fetched', count: r[0]!.kind === 'replace' ? r[0]!.entries.length : 0 });
    });
  }

  function openWatch(g: number): void {
    let opened = false;
    let snapshotSeen = false;
    let s: WebSocketLike;
    try {
      s = new WS!(`${wsBase}/registry/watch?${q}`);
    } catch (err) {
      return fail(g, reasonOf(err));
    }
    socket = s;
    s.onopen = () => {
      opened = true;
    };
    s.onerror = () => {}; // a close always follows
    s.onmessage = (ev) => {
      if (g !== gen || typeof ev.data !== 'string') return;
      const batch = parseWatchMessage(ev.data);
      if (!batch) return; // unknown types are ignored (forward compatibility, SPEC §3)
      if (batch.kind === 'replace') {
        snapshotSeen = true;
        problem = undefined;
        deliver(batch, { type: 'watch.snapshot', count: batch.entries.length });
      } else if (snapshotSeen) {
        deliver(batch, { type: 'watch.changed' });
      }
    };
    s.onclose = (ev) => {
      if (g !== gen) return;
      socket = null;
      if (snapshotSeen) {
        problem = 'watch socket closed';
        send({ type: 'watch.closed', code: ev.code });
      } else if (opened) {
        fail(g, `watch socket closed (${ev.code}) before its snapshot`);
      } else {
        // The upgrade failed. If GET /registry answers, this relay only has the reference endpoints.
        void getRegistry(g).then((r) => {
          if (g !== gen) return;
          if (typeof r === 'string') return fail(g, r);
          send({ type: 'watch.unsupported' });
        });
      }
    };
  }

  function cleanup(): void {
    gen++;
    closeSocket();
    aborter?.abort();
    aborter = null;
    for (const t of [fetchTimer, retryTimer, pollTimer]) timers.clearTimeout(t);
  }

  const machine = clientMachine.provide({
    actions: {
      armFetchTimer: () => {
        fetchTimer = timers.setTimeout(() => {
          problem = `no answer within ${timeoutMs / 1000} s`;
          send({ type: 'fetch.timedOut' });
        }, timeoutMs);
      },
      cancelFetchTimer: () => timers.clearTimeout(fetchTimer),
      startFetch: ({ context }) => {
        const g = ++gen;
        if (context.mode === 'watch') openWatch(g);
        else fetchOnce(g);
      },
      abortFetch: () => {
        gen++;
        closeSocket();
        aborter?.abort();
        aborter = null;
      },
      // opening → merging → notifying: each step reports itself done from inside its action; the
      // event is queued in the actor's mailbox and runs before any socket or timer callback can.
      openEntries: () => {
        for (const b of pending) seenDirty = registry.apply(b) || seenDirty;
        pending = [];
        send({ type: 'entries.opened', dropped: registry.droppedCount });
      },
      mergeList: () => {
        rows = mergeRows(local, registry.opened, newThisRun);
        send({ type: 'list.merged', count: rows.length });
      },
      notifyNew: () => {
        const notices: Notice[] = [];
        for (const row of rows) {
          if (row.source !== 'registry' || announced.has(row.machine_id)) continue;
          announced.add(row.machine_id);
          newThisRun.add(row.machine_id);
          notices.push({ machine_id: row.machine_id, name: row.name });
        }
        if (notices.length > 0) {
          rows = mergeRows(local, registry.opened, newThisRun);
          seenDirty = true;
        }
        // Persist before telling anyone: a notice is shown at most once even if we crash right after.
        let claimed: ReadonlySet<string> | undefined;
        if (seenDirty) {
          try {
            if (store.mergeSeen) claimed = store.mergeSeen(newest);
            else store.saveSeen(newest);
            seenDirty = false;
          } catch (err) {
            // A full disk must not stop the list; the save is tried again after the next change.
            options.onStoreError?.(err);
          }
        }
        // Another process of this home may have announced some of them first: only ours are told.
        const ours = claimed ? notices.filter((n) => claimed.has(n.machine_id)) : notices;
        for (const n of ours) for (const l of noticeListeners) safely(l, n);
        send({ type: 'notices.sent', count: ours.length });
      },
      armRetryTimer: ({ context }) => {
        // Equal jitter in [ceiling/2, ceiling]: spreads clients out without a zero-delay storm.
        const ceiling = context.retryCeilingMs;
        retryDelayMs = Math.round(ceiling / 2 + (random() * ceiling) / 2);
        retryTimer = timers.setTimeout(() => send({ type: 'retry.due' }), retryDelayMs);
      },
      cancelRetryTimer: () => timers.clearTimeout(retryTimer),
      armPollTimer: () => {
        pollTimer = timers.setTimeout(() => send({ type: 'poll.due' }), pollMs);
      },
      cancelPollTimer: () => timers.clearTimeout(pollTimer),
      closeAll: () => cleanup(),
    },
  });

  const actor = createActor(machine, {
    input: { backoffBaseMs: options.backoffBaseMs ?? 1000, backoffCapMs: options.backoffCapMs ?? 30_000 },
    inspect: options.inspect,
  });

  let lastPolling = false;
  function connectionOf(state: ClientStateValue): ConnectionState {
    switch (state) {
      case 'live':
        return { kind: 'live' };
      case 'polling':
        return { kind: 'polling', everySeconds: pollMs / 1000 };
      case 'retrying':
        return { kind: 'reconnecting', inSeconds: Math.ceil(retryDelayMs / 1000) };
      case 'offline':
      case 'stopped':
        return { kind: 'offline' };
      case 'done':
        return { kind: 'live' }; // a one-shot that got its answer: the registry was reached
      default:
        // A poll in flight is still "polling" to people; don't flash "connecting" every few seconds.
        return lastPolling ? { kind: 'polling', everySeconds: pollMs / 1000 } : { kind: 'connecting' };
    }
  }

  function makeView(): DiscoveryView {
    const state = actor.getSnapshot().value as ClientStateValue;
    if (state === 'polling') lastPolling = true;
    else if (state !== 'fetching' && state !== 'opening' && state !== 'merging' && state !== 'notifying') lastPolling = false;
    return { wallet: wallet.address, connection: connectionOf(state), devices: rows, dropped: registry.droppedCount, ...(problem ? { problem } : {}) };
  }

  const sameView = (a: DiscoveryView, b: DiscoveryView): boolean =>
    a.devices === b.devices && a.dropped === b.dropped && a.problem === b.problem && JSON.stringify(a.connection) === JSON.stringify(b.connection);

  view = makeView();
  actor.subscribe(() => {
    const next = makeView();
    if (sameView(view, next)) return;
    view = next;
    for (const l of listeners) safely(l, view);
  });
  actor.start();

  return {
    actor,
    start: () => send({ type: 'client.started', mode }),
    stop: () => {
      if (stopped) return;
      send({ type: 'client.stopped' });
      stopped = true;
      actor.stop();
      // Also here, not only in the chart's closeAll: stop() called from inside a listener only
      // queues client.stopped, and actor.stop() then drops the queue.
      cleanup();
    },
    getView: () => view,
    getState: () => actor.getSnapshot().value as ClientStateValue,
    subscribe(listener) {
      listeners.add(listener);
      listener(view);
      return () => listeners.delete(listener);
    },
    onNotice(listener) {
      noticeListeners.add(listener);
      return () => noticeListeners.delete(listener);
    },
  };
}

/** What a one-shot discovery found. */
export interface OnceResult {
  view: DiscoveryView;
  /** The registry answered (false: relay down, slow, or no wallet; the view is local only). */
  reached: boolean;
  notices: Notice[];
}

/** One GET /registry with options.timeoutMs, merged and announced; never rejects for a relay problem. */
export function discoverOnce(options: Omit<DiscoveryOptions, 'mode'>): Promise<OnceResult> {
  const d = createDiscovery({ ...options, mode: 'once' });
  const notices: Notice[] = [];
  d.onNotice((n) => notices.push(n));
  return new Promise((resolve) => {
    const sub = d.actor.subscribe((snap) => {
      if (snap.status !== 'done') return;
      sub.unsubscribe();
      resolve({ view: d.getView(), reached: snap.value === 'done', notices });
    });
    d.start();
  });
}
