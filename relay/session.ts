/**
 * The shell around machines/relaySessionMachine.ts: one session per agent socket (SPEC §4).
 * Socket frames, closes, heartbeats and timers become machine events; the machine's named actions
 * become effects on the socket, the grace timer and the presence index. The machine decides; this
 * file only carries out.
 *
 * Lean by design (issue #3: ≤ 12 KiB RSS per registration, sockets included): by default a
 * session stores no actor, only a pointer to the machine snapshot of its state, computed with
 * XState's pure `transition()`. The chart has no context, so every session in the same state
 * shares one interned snapshot object. With `inspect` set, each session runs as a real actor
 * instead, so the Stately inspector sees it; both paths execute the same named actions.
 */
import type { WebSocket, RawData } from 'ws';
import { createActor, initialTransition, transition, type Actor, type SnapshotFrom } from 'xstate';
import { relaySessionMachine, type RelaySessionEvent, type RelaySessionState } from '../machines/relaySessionMachine.js';
import type { Logger } from '../common/log.js';
import { RELAY_ERRORS, isRelayErrorCode, type RelayErrorCode, type RelayErrorInfo } from './errors.js';
import type { Presence } from './presence.js';
import type { RelayOptions } from './options.js';
import { isBase64 } from './validate.js';

type Snapshot = SnapshotFrom<typeof relaySessionMachine>;
/** The chart's named actions, each carried out by one effect below. */
type ActionName =
  | 'claimSlot' | 'sendReady' | 'putBlob' | 'dropBlob' | 'releaseSlot' | 'closeSocket'
  | 'closeReplaced' | 'refuseFrame' | 'terminateSocket' | 'armGraceTimer' | 'cancelGraceTimer';
type Effect = (s: AgentSession, event: RelaySessionEvent) => void;

/** One agent socket's registration. Kept small: it exists ten thousand times. */
export class AgentSession {
  /** Answered the last ping (heartbeat, the ws way). */
  alive = true;
  /** Lean mode: the (shared, interned) snapshot of the session's state. */
  snapshot: Snapshot | undefined = undefined;
  /** Inspect mode: the session's actor. */
  actor: Actor<typeof relaySessionMachine> | undefined = undefined;
  graceTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Frames ignored so far (only the first is logged, so a noisy agent cannot flood the log). */
  ignored = 0;
  constructor(
    readonly wallet: string,
    readonly machineId: string,
    readonly slot: string,
    readonly ws: WebSocket,
    /** Registered with a valid wallet signature. */
    readonly signed = false,
  ) {}

  get state(): RelaySessionState {
    return (this.actor ? this.actor.getSnapshot().value : this.snapshot!.value) as RelaySessionState;
  }
}

const SESSION = Symbol('mir.relay.session');
type AgentSocket = WebSocket & { [SESSION]?: AgentSession };

/** A listener shared by every socket: finds the session on `this` (the socket) and hands over. */
function socketListener<A extends unknown[]>(host: SessionHost, fn: (host: SessionHost, s: AgentSession, ...args: A) => void) {
  return function (this: AgentSocket, ...args: A): void {
    const s = this[SESSION];
    if (s) fn(host, s, ...args);
  };
}

/** Every agent session of one relay, the slot owners, and the effects the machine asks for. */
export class SessionHost {
  /** slot (`wallet|machine_id`) → the session that owns it: live, or listed during grace. */
  readonly owners = new Map<string, AgentSession>();
  /** Sessions whose socket is open (heartbeat and limits count these). */
  readonly live = new Set<AgentSession>();
  /** Sockets the relay has closed and whose closing handshake has not finished yet. */
  readonly closing = new Set<WebSocket>();
  private readonly perWallet = new Map<string, number>();
  private readonly interned = new Map<string, Snapshot>();
  private readonly effects: Record<ActionName, Effect>;
  private readonly initial: Snapshot;
  private stopping = false;

  constructor(
    private readonly presence: Presence,
    private readonly options: RelayOptions,
    readonly log: Logger,
  ) {
    this.initial = this.intern(initialTransition(relaySessionMachine)[0]);
    const owns = (s: AgentSession) => this.owners.get(s.slot) === s;
    this.effects = {
      claimSlot: (s) => {
        const old = this.owners.get(s.slot);
        this.owners.set(s.slot, s);
        if (old && old !== s) this.send(old, { type: 'slot.taken' });
      },
      sendReady: (s) => s.ws.send('{"type":"ready"}'),
      putBlob: (s, e) => {
        if (e.type === 'agent.published' && owns(s)) this.presence.put(s.wallet, s.machineId, e.blob);
      },
      dropBlob: (s) => {
        if (owns(s)) this.presence.remove(s.wallet, s.machineId);
      },
      releaseSlot: (s) => {
        if (owns(s)) this.owners.delete(s.slot);
      },
      closeSocket: (s) => this.retire(s, 1000, 'bye'),
      closeReplaced: (s) => this.retire(s, RELAY_ERRORS.RELAY_ERR_REPLACED.close, 'RELAY_ERR_REPLACED'),
      refuseFrame: (s, e) => {
        const code: RelayErrorCode = e.type === 'agent.refused' && isRelayErrorCode(e.code) ? e.code : 'RELAY_ERR_BINARY_FRAME';
        const info: RelayErrorInfo = RELAY_ERRORS[code];
        this.log('reject', { reason: code, wallet: s.wallet, machine_id: s.machineId });
        this.retire(s, info.close ?? 1008, code);
      },
      terminateSocket: (s) => {
        this.log('reject', { reason: 'RELAY_ERR_HEARTBEAT_MISSED', wallet: s.wallet, machine_id: s.machineId });
        s.ws.terminate();
      },
      armGraceTimer: (s) => {
        s.graceTimer = setTimeout(() => this.send(s, { type: 'grace.expired' }), this.options.graceSeconds * 1000);
        s.graceTimer.unref();
      },
      cancelGraceTimer: (s) => {
        clearTimeout(s.graceTimer);
        s.graceTimer = undefined;
      },
    };
  }

  /** Live agent sockets of a wallet. */
  liveCount(wallet: string): number {
    return this.perWallet.get(wallet) ?? 0;
  }

  /** True when the slot is held by a session with an open socket (a replacement, not a new one). */
  hasLiveOwner(slot: string): boolean {
    const s = this.owners.get(slot);
    return s !== undefined && this.live.has(s);
  }

  /**
   * True when the slot's owner (live, or listed in grace) registered with a wallet signature. An
   * unsigned newcomer must not replace it, even when the learned-slot table has since evicted
   * the slot's record (the table is bounded; a live session is the stronger fact).
   */
  ownerSigned(slot: string): boolean {
    return this.owners.get(slot)?.signed === true;
  }

  /** Takes an upgraded agent socket: wires its events and feeds `session.accepted`. */
  accept(ws: WebSocket, wallet: string, machineId: string, signed = false): AgentSession {
    const s = new AgentSession(wallet, machineId, `${wallet}|${machineId}`, ws, signed);
    (ws as AgentSocket)[SESSION] = s;
    if (this.options.inspect) {
      const actions = Object.fromEntries(
        (Object.keys(this.effects) as ActionName[]).map((name) => [name, ({ event }: { event: RelaySessionEvent }) => this.effects[name](s, event)]),
      );
      s.actor = createActor(relaySessionMachine.provide({ actions }), { inspect: this.options.inspect, id: `relaySession:${machineId}` });
      s.actor.start();
    } else {
      s.snapshot = this.initial;
    }
    this.live.add(s);
    this.perWallet.set(wallet, this.liveCount(wallet) + 1);
    ws.on('message', this.onMessage);
    ws.on('close', this.onClose);
    ws.on('error', this.onError);
    ws.on('pong', this.onPong);
    const inherited = this.presence.list(wallet).some((e) => e.machine_id === machineId);
    this.send(s, { type: 'session.accepted', inherited });
    return s;
  }

  /** Feeds one event to a session's machine and carries out the actions it chose. */
  send(s: AgentSession, event: RelaySessionEvent): void {
    // A finished session (gone, left, replaced) takes no more events, e.g. its socket's late close.
    if ((s.actor ? s.actor.getSnapshot() : s.snapshot!).status !== 'active') return;
    const before = s.state;
    if (s.actor) {
      s.actor.send(event);
    } else {
      const [next, actions] = transition(relaySessionMachine, s.snapshot!, event);
      s.snapshot = this.intern(next);
      for (const a of actions) this.effects[a.type as ActionName]?.(s, event);
    }
    this.logTransition(s, before, s.state, event);
  }

  /** Heartbeat tick for one session: ping, or report the missed pong to the machine. */
  heartbeat(s: AgentSession): void {
    if (!s.alive) return this.send(s, { type: 'heartbeat.missed' });
    s.alive = false;
    s.ws.ping();
  }

  /** Closes every agent socket with 1001 and forgets every timer (relay shutdown). */
  stop(): void {
    this.stopping = true;
    for (const s of this.live) s.ws.close(RELAY_ERRORS.RELAY_ERR_SHUTTING_DOWN.close, 'RELAY_ERR_SHUTTING_DOWN');
    for (const ws of this.closing) ws.terminate();
    for (const s of this.owners.values()) clearTimeout(s.graceTimer);
  }

  /** Sessions by state, for the stats line and tests. */
  countByState(): Partial<Record<RelaySessionState, number>> {
    const out: Partial<Record<RelaySessionState, number>> = {};
    for (const s of new Set([...this.live, ...this.owners.values()])) out[s.state] = (out[s.state] ?? 0) + 1;
    return out;
  }

  // Shared listeners (one set per relay, not per socket): `this` is the socket.
  private readonly onMessage = socketListener(this, (host, s, data: RawData, isBinary: boolean) => host.frame(s, data, isBinary));
  private readonly onClose = socketListener(this, (host, s) => host.closed(s));
  private readonly onError = socketListener(this, (host, s, err: Error & { code?: string }) => {
    // ws closes the socket itself after a protocol error (1009 for an oversized frame).
    const reason = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'RELAY_ERR_FRAME_TOO_LARGE' : (err.code ?? 'socket_error');
    host.log('reject', { reason, wallet: s.wallet, machine_id: s.machineId });
  });
  private readonly onPong = socketListener(this, (_host, s) => {
    s.alive = true;
  });

  /** The socket closed: stop counting it and tell the machine (unless the relay is stopping). */
  private closed(s: AgentSession): void {
    this.closing.delete(s.ws);
    if (!this.unlive(s)) return;
    if (!this.stopping) this.send(s, { type: 'socket.closed' });
  }

  /** Stops counting a session as live (limits, heartbeat); false if it was not. */
  private unlive(s: AgentSession): boolean {
    if (!this.live.delete(s)) return false;
    const n = this.liveCount(s.wallet) - 1;
    if (n > 0) this.perWallet.set(s.wallet, n);
    else this.perWallet.delete(s.wallet);
    return true;
  }

  /**
   * Closes a socket the relay is done with. It stops counting against the limits at once: a
   * reconnecting agent's old socket is often half-dead and would hold its slot in the wallet's
   * count until ws's closing handshake times out (30 s).
   */
  private retire(s: AgentSession, code: number, reason: string): void {
    this.unlive(s);
    this.closing.add(s.ws);
    s.ws.close(code, reason);
  }

  /** One frame from an agent (SPEC §3): registry, bye, or ignored. */
  frame(s: AgentSession, data: RawData, isBinary: boolean): void {
    if (isBinary) return this.send(s, { type: 'agent.refused', code: 'RELAY_ERR_BINARY_FRAME' });
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      // Reference behaviour: malformed JSON is ignored and the socket stays.
      return this.ignore(s, 'malformed JSON');
    }
    const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
    if (type === 'registry') {
      const blob = (msg as { registry?: unknown }).registry;
      if (typeof blob !== 'string') return this.ignore(s, 'registry is not a string');
      if (blob === '') return this.send(s, { type: 'agent.withdrew' });
      if (blob.length > this.options.maxBlobBytes) return this.send(s, { type: 'agent.refused', code: 'RELAY_ERR_BLOB_TOO_LARGE' });
      if (!isBase64(blob)) return this.send(s, { type: 'agent.refused', code: 'RELAY_ERR_BLOB_NOT_BASE64' });
      return this.send(s, { type: 'agent.published', blob });
    }
    if (type === 'bye') return this.send(s, { type: 'agent.bye' });
    // Unknown types are ignored for forward compatibility (SPEC §3); nothing logged per frame.
  }

  private ignore(s: AgentSession, reason: string): void {
    if (s.ignored++ === 0) this.log('ignore', { reason, wallet: s.wallet, machine_id: s.machineId, note: 'later ignored frames of this socket are not logged' });
  }

  private intern(snapshot: Snapshot): Snapshot {
    const key = String(snapshot.value);
    const known = this.interned.get(key);
    if (known) return known;
    this.interned.set(key, snapshot);
    return snapshot;
  }

  private logTransition(s: AgentSession, from: RelaySessionState, to: RelaySessionState, event: RelaySessionEvent): void {
    const f = { wallet: s.wallet, machine_id: s.machineId };
    if (event.type === 'agent.published' && (to === 'published' || to === 'republished')) this.log('publish', { ...f, bytes: event.blob.length, first: to === 'published' });
    else if (event.type === 'agent.withdrew') this.log('withdraw', f);
    else if (from === to) return;
    else if (to === 'replaced') this.log('replace', { ...f, from });
    else if (to === 'left') this.log('leave', f);
    else if (to === 'grace') this.log('drop', { ...f, grace_s: this.options.graceSeconds, via: event.type });
    else if (to === 'gone' && from === 'grace') this.log('expire', f);
    else if (to === 'gone') this.log('gone', { ...f, via: event.type });
  }
}
