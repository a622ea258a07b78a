/**
 * The agent's runtime shell (issue #4): a thin layer around `agentMachine` that owns the
 * socket, the timers, agent.json and the logs, performs the effects the machine names, and
 * feeds facts back as events. Everything non-deterministic is injectable (WebSocket class,
 * clock, random draw), so the model tests drive time by hand and the benchmark runs 1,000
 * agents in one process.
 */
import WebSocket from 'ws';
import { createActor, type Actor, type InspectionEvent, type Observer } from 'xstate';
import { agentMachine, type AgentMachineInput, type AgentStateName } from '../machines/agentMachine.js';
import { sealDevice } from '../crypto/registry.js';
import { nameProblem } from '../crypto/record.js';
import { type Wallet } from '../crypto/wallet.js';
import { UserError } from '../common/errors.js';
import { createLogger, type Logger } from '../common/log.js';
import { readAgentFile, writeAgentFile, type AgentFile } from '../home/files.js';
import { systemClock, type Clock } from './clock.js';
import { BYE_FRAME, MAX_RELAY_FRAME_BYTES, classifyFrame, registrationHeaders, registryFrame, signalUrl } from './wire.js';
import { watchAgentFile } from './watch.js';

/** How long `stop()` waits for the closing handshake before it cuts the socket (exit within 2 s). */
export const STOP_CLOSE_WAIT_MS = 1_500;
/** A relay that has not finished the upgrade by then is treated as down. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface AgentRuntimeOptions {
  /** Home folder: agent.json is read from it, `rename()` writes it, a file watch reloads it. */
  home?: string;
  /** An in-memory agent.json instead of a home (the benchmark runs 1,000 of these). */
  config?: AgentFile;
  wallet: Wallet;
  /** The WebSocket class (tests inject a subclass). Default `ws`. */
  WebSocketImpl?: typeof WebSocket;
  /** Timers and uptime; default real time. */
  clock?: Clock;
  /** Backoff draws in [0, 1); default `Math.random` (jitter needs spread, not secrecy). */
  random?: () => number;
  log?: Logger;
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Backoff figures (SPEC §4 defaults). */
  backoff?: AgentMachineInput;
  /** Watch agent.json for changes (default true with a home). */
  watch?: boolean;
}

/** Counters for logs, tests and the benchmark. */
export interface AgentStats {
  /** Sockets opened (connection attempts). */
  attempts: number;
  /** `ready` frames that registered us. */
  readies: number;
  /** Registry frames written (first publishes and republishes). */
  publishes: number;
  /** Live connections that dropped. */
  drops: number;
}

export interface AgentRuntime {
  readonly machineId: string;
  readonly actor: Actor<typeof agentMachine>;
  readonly stats: Readonly<AgentStats>;
  /** The current agent.json (a copy). */
  config(): AgentFile;
  /** The machine's state, `live.*` flattened to its child. */
  state(): AgentStateName;
  /** Renames the machine: writes agent.json (with a home) and republishes on the live socket. */
  rename(name: string): void;
  /** Points the agent at another relay: writes agent.json (with a home) and reconnects. */
  setRelay(relayUrl: string): void;
  /** Re-reads agent.json (SIGHUP, file watch) and applies what changed. */
  reload(): void;
  /** Sends `bye`, closes the socket, stops the machine; resolves within ~1.5 s. */
  stop(): Promise<void>;
}

/** Flattens `{ live: 'serving' }` to `'serving'`. */
export function stateName(value: unknown): AgentStateName {
  if (typeof value === 'string') return value as AgentStateName;
  return Object.values(value as Record<string, string>)[0] as AgentStateName;
}

/**
 * Starts an agent: builds the machine with the shell's effects and starts it (which opens the
 * first connection). Give `home` (the daemon) or `config` (in-memory).
 */
export function startAgentRuntime(options: AgentRuntimeOptions): AgentRuntime {
  const { home, wallet } = options;
  const WS = options.WebSocketImpl ?? WebSocket;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const log = options.log ?? createLogger('agent');
  let cfg: AgentFile;
  if (options.config) cfg = { ...options.config };
  else if (home) {
    const file = readAgentFile(home);
    if (!file) throw new UserError(`no agent.json in ${home}`);
    cfg = file;
  } else throw new TypeError('"home" or "config" expected');

  const stats: AgentStats = { attempts: 0, readies: 0, publishes: 0, drops: 0 };
  let ws: WebSocket | undefined;
  /** Why the current/last socket failed, for one log line (never a secret). */
  let lastReason = '';
  /** Last connect failure logged; repeated identical failures stay quiet (issue #4). */
  let loggedFailure: string | undefined;
  let unhandledSeen = new Set<string>();
  let connectedAt = 0;
  let uptimeTimer: unknown;
  let backoffTimer: unknown;
  let heartbeatTimer: unknown;
  /** Heard anything (pong, ping, frame) from the relay since the last heartbeat tick (the ws way). */
  let alive = true;
  /** Sockets we closed whose closing handshake is still under way (awaited by stop()). */
  const closing = new Map<WebSocket, Promise<void>>();

  const uptimeSeconds = () => Math.round((clock.now() - connectedAt) / 100) / 10;

  const closeQuietly = (s: WebSocket) => {
    if (s.readyState === WebSocket.CLOSED) return;
    closing.set(
      s,
      new Promise<void>((resolve) => {
        s.once('close', () => {
          closing.delete(s);
          resolve();
        });
      }),
    );
    if (s.readyState === WebSocket.CONNECTING) s.terminate();
    else s.close(1000);
  };

  const publish = (first: boolean) => {
    const s = ws;
    if (!s || s.readyState !== WebSocket.OPEN) return;
    const c = cfg;
    // A fresh record and a fresh nonce every time (SPEC §2); ts in wall-clock unix seconds.
    const record = { v: 1, name: c.name, host_pub: c.host_pub, signal_url: c.relay_url, ts: Math.floor(Date.now() / 1000) } as const;
    const blob = sealDevice(wallet.registryKey, record, c.machine_id);
    s.send(registryFrame(blob), (err) => {
      if (err || s !== ws) return;
      stats.publishes++;
      log(first ? 'published' : 'republish', { machine_id: c.machine_id, name: c.name, relay: c.relay_url });
      actor.send({ type: 'publish.sent' });
    });
  };

  const machine = agentMachine.provide({
    actions: {
      openSocket: () => {
        stats.attempts++;
        unhandledSeen = new Set();
        lastReason = '';
        const c = cfg;
        if (loggedFailure === undefined) log('connect', { relay: c.relay_url, machine_id: c.machine_id });
        const headers = registrationHeaders(wallet.sign, wallet.address, c.machine_id, c.registration_secret, Math.floor(Date.now() / 1000));
        const s = new WS(signalUrl(c.relay_url, wallet.address, c.machine_id), {
          headers,
          maxPayload: MAX_RELAY_FRAME_BYTES,
          handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
          perMessageDeflate: false,
        });
        ws = s;
        // Every listener checks `s === ws`: events of a socket we already let go are stale.
        s.on('error', (err: Error) => {
          if (s === ws) lastReason = describeError(err);
        });
        const heard = () => {
          if (s === ws) alive = true;
        };
        s.on('pong', heard);
        s.on('ping', heard);
        s.on('message', (data, isBinary) => {
          if (s !== ws) return;
          alive = true;
          const frame = classifyFrame(data, isBinary);
          if (frame.kind === 'ready') actor.send({ type: 'relay.ready' });
          else actor.send({ type: 'relay.unhandled', kind: frame.what });
        });
        s.on('close', (code: number) => {
          if (s !== ws) return;
          ws = undefined;
          if (!lastReason) lastReason = `closed ${code}`;
          actor.send({ type: 'socket.closed', draw: random(), code });
        });
      },
      closeSocket: () => {
        const s = ws;
        ws = undefined;
        if (s) closeQuietly(s);
      },
      terminateSocket: () => {
        const s = ws;
        ws = undefined;
        s?.terminate();
      },
      sendPublish: () => publish(true),
      republish: () => publish(false),
      sendBye: () => {
        if (ws?.readyState === WebSocket.OPEN) ws.send(BYE_FRAME);
        log('bye', { machine_id: cfg.machine_id });
      },
      armUptimeTimer: ({ context }) => {
        connectedAt = clock.now();
        uptimeTimer = clock.setTimeout(() => {
          uptimeTimer = undefined;
          actor.send({ type: 'uptime.healthy' });
        }, context.healthyMs);
      },
      cancelUptimeTimer: () => {
        if (uptimeTimer !== undefined) clock.clearTimeout(uptimeTimer);
        uptimeTimer = undefined;
      },
      startHeartbeat: ({ context }) => {
        alive = true;
        const tick = () => {
          heartbeatTimer = undefined;
          if (!alive) return actor.send({ type: 'heartbeat.missed', draw: random() });
          alive = false;
          if (ws?.readyState === WebSocket.OPEN) ws.ping();
          heartbeatTimer = clock.setTimeout(tick, context.heartbeatMs);
        };
        heartbeatTimer = clock.setTimeout(tick, context.heartbeatMs);
      },
      stopHeartbeat: () => {
        if (heartbeatTimer !== undefined) clock.clearTimeout(heartbeatTimer);
        heartbeatTimer = undefined;
      },
      armBackoffTimer: ({ context }) => {
        backoffTimer = clock.setTimeout(() => {
          backoffTimer = undefined;
          actor.send({ type: 'backoff.elapsed' });
        }, context.delayMs);
      },
      cancelBackoffTimer: () => {
        if (backoffTimer !== undefined) clock.clearTimeout(backoffTimer);
        backoffTimer = undefined;
      },
      logReady: () => {
        stats.readies++;
        loggedFailure = undefined;
        log('ready', { relay: cfg.relay_url, machine_id: cfg.machine_id });
      },
      logServing: () => log('serving', { uptime_s: uptimeSeconds() }),
      logDrop: ({ context, event }) => {
        stats.drops++;
        const reason = event.type === 'heartbeat.missed' ? 'relay silent for a heartbeat interval' : lastReason;
        log('drop', { relay: cfg.relay_url, code: event.type === 'socket.closed' ? (event.code ?? null) : null, reason, uptime_s: uptimeSeconds(), next_backoff_ms: context.delayMs });
      },
      logConnectFailed: ({ context }) => {
        // Once per state change (issue #4): the first failure, or a different reason.
        if (loggedFailure === lastReason) return;
        loggedFailure = lastReason;
        log('unreachable', { relay: cfg.relay_url, reason: lastReason, next_backoff_ms: context.delayMs, note: 'retrying with backoff; logs again when this changes' });
      },
      logUnhandled: ({ event }) => {
        if (event.type !== 'relay.unhandled' || unhandledSeen.has(event.kind)) return;
        unhandledSeen.add(event.kind);
        log('ignored', { kind: event.kind, note: 'not handled by this agent; ignored (logged once per connection)' });
      },
      logStopped: () => log('stopped', { machine_id: cfg.machine_id }),
    },
  });

  const actor = createActor(machine, { input: options.backoff, inspect: options.inspect });

  const applyConfig = (next: AgentFile) => {
    const prev = cfg;
    cfg = next;
    if (prev.relay_url !== next.relay_url || prev.machine_id !== next.machine_id || prev.registration_secret !== next.registration_secret) {
      log('reconnect', { relay: next.relay_url, machine_id: next.machine_id, note: 'registration changed' });
      actor.send({ type: 'registration.changed' });
    } else if (prev.name !== next.name || prev.host_pub !== next.host_pub) {
      log('renamed', { name: next.name, machine_id: next.machine_id });
      actor.send({ type: 'record.changed' });
    }
  };

  const reload = () => {
    if (!home) return;
    try {
      const file = readAgentFile(home);
      if (file) applyConfig(file);
      else log('config-missing', { note: 'agent.json is gone; keeping the identity in memory' });
    } catch (err) {
      log('config-error', { error: err instanceof Error ? err.message : String(err), note: 'keeping the previous config' });
    }
  };

  const unwatch =
    home && options.watch !== false
      ? watchAgentFile(home, reload, (err) => log('watch-error', { error: err.message, note: 'send SIGHUP to reload agent.json' }))
      : () => {};

  let stopping: Promise<void> | undefined;
  actor.start();

  return {
    machineId: cfg.machine_id,
    actor,
    stats,
    config: () => ({ ...cfg }),
    state: () => stateName(actor.getSnapshot().value),
    rename(name) {
      const problem = nameProblem(name);
      if (problem) throw new UserError(`${problem}: ${JSON.stringify(name)}`, 2);
      const next = { ...cfg, name };
      if (home) writeAgentFile(home, next);
      applyConfig(next);
    },
    setRelay(relayUrl) {
      const next = { ...cfg, relay_url: relayUrl };
      if (home) writeAgentFile(home, next);
      applyConfig(next);
    },
    reload,
    stop() {
      stopping ??= (async () => {
        unwatch();
        actor.send({ type: 'signal.stop' });
        let guard: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([Promise.all(closing.values()), new Promise<void>((r) => (guard = setTimeout(r, STOP_CLOSE_WAIT_MS)))]);
        clearTimeout(guard);
        for (const s of closing.keys()) s.terminate(); // a relay that never answered the close
        actor.stop();
      })();
      return stopping;
    },
  };
}

/** A short, secret-free reason for a socket error (refused, HTTP status, timeout, …). */
function describeError(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const status = /Unexpected server response: (\d{3})/.exec(err.message)?.[1];
  if (status) return `http ${status}`;
  if (code) return code;
  if (/handshake has timed out/i.test(err.message)) return 'handshake timeout';
  return err.message.slice(0, 80);
}
