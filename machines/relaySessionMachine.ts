/**
 * The relay's per-agent-socket session (SPEC §4, issue #3):
 *
 *   open → registered → published ⇄ republished → (socket closed) → grace → gone
 *                                               ↘ replaced (same slot registered again)
 *                                               ↘ left (clean `bye`)
 *
 * The machine holds the logic, the relay shell (relay/session.ts) the effects: every change to
 * the presence index is a named action here (`claimSlot`, `putBlob`, `dropBlob`, `releaseSlot`),
 * and so are socket and timer effects (`sendReady`, `closeSocket`, `armGraceTimer`, …). Time and
 * sockets come back in as events that read as facts (`socket.closed`, `grace.expired`,
 * `heartbeat.missed`). Pure: no invoke, no after, no I/O, and no context at all — which also lets
 * the shell share one snapshot object per state among thousands of sessions (relay/session.ts).
 *
 * "closed" in SPEC's chain is the `socket.closed` / `heartbeat.missed` / `agent.refused` edge:
 * a listed session goes to `grace` (its blob stays listed), an unlisted one straight to `gone`.
 * An empty `registry` string withdraws the entry (SPEC §3): published → registered.
 * A session that claims a slot still listed by an older one (a reconnect blink) inherits that
 * entry until it publishes its own, so watchers see an upsert and never a remove.
 */
import { setup } from 'xstate';

/** Events the relay shell feeds in; each reads as a fact that already happened. */
export type RelaySessionEvent =
  /**
   * The upgrade passed every check and the socket is open: take the slot. `inherited`: the slot's
   * entry is still listed from a predecessor (a reconnect blink), so this session starts listed.
   */
  | { type: 'session.accepted'; inherited?: boolean }
  /** A `registry` frame with a non-empty blob that passed the size + base64 check. */
  | { type: 'agent.published'; blob: string }
  /** A `registry` frame with an empty string (SPEC §3: withdraw, stay registered). */
  | { type: 'agent.withdrew' }
  /** A `{"type":"bye"}` frame: a clean leave, drop at once (SPEC §3 beyond). */
  | { type: 'agent.bye' }
  /** A frame broke a limit (binary, blob too large, not base64): refuse with `code`, close. */
  | { type: 'agent.refused'; code: string }
  /** The socket closed (by the peer, the network, or after a refusal). */
  | { type: 'socket.closed' }
  /** The socket missed its pong within a heartbeat interval. */
  | { type: 'heartbeat.missed' }
  /** A newer registration of the same slot took it over. */
  | { type: 'slot.taken' }
  /** The grace timer armed by `armGraceTimer` ran out. */
  | { type: 'grace.expired' };

// Shared by `published` and `republished`: the two differ only in being the first publish or not.
const listed = {
  'agent.published': { target: 'republished', actions: 'putBlob' },
  'agent.withdrew': { target: 'registered', actions: 'dropBlob' },
  'agent.bye': { target: 'left' },
  'agent.refused': { target: 'grace', actions: 'refuseFrame' },
  'socket.closed': { target: 'grace' },
  'heartbeat.missed': { target: 'grace', actions: 'terminateSocket' },
  'slot.taken': { target: 'replaced', actions: 'closeReplaced' },
} as const;

/**
 * The session chart. Action implementations here are no-ops; the shell supplies the real ones
 * (by name), so the chart stays pure and testable with `xstate/graph`.
 */
export const relaySessionMachine = setup({
  types: {
    events: {} as RelaySessionEvent,
  },
  guards: {
    inheritsListedEntry: ({ event }) => event.type === 'session.accepted' && event.inherited === true,
  },
  actions: {
    /** Make this session the slot's owner; an older owner gets `slot.taken`. */
    claimSlot: () => {},
    /** Send `{"type":"ready"}`. */
    sendReady: () => {},
    /** Store `event.blob` as the slot's entry in the presence index (upsert to watchers). */
    putBlob: () => {},
    /** Remove the slot's entry from the index, if this session still owns it (remove to watchers). */
    dropBlob: () => {},
    /** Forget that this session owns the slot (a later registration finds it free). */
    releaseSlot: () => {},
    /** Close the socket normally (1000), after a `bye`. */
    closeSocket: () => {},
    /** Close the replaced socket with the replaced close code. */
    closeReplaced: () => {},
    /** Close the socket with the close code of `event.code`, and log the reject. */
    refuseFrame: () => {},
    /** Drop a silent socket without a closing handshake (ws `terminate()`). */
    terminateSocket: () => {},
    /** Start the grace timer; the shell sends `grace.expired` when it runs out. */
    armGraceTimer: () => {},
    /** Stop the grace timer. */
    cancelGraceTimer: () => {},
  },
}).createMachine({
  id: 'relaySession',
  initial: 'open',
  states: {
    open: {
      on: {
        'session.accepted': [
          // A blink that drops again before publishing must still get its grace, not vanish.
          { guard: 'inheritsListedEntry', target: 'published', actions: ['claimSlot', 'sendReady'] },
          { target: 'registered', actions: ['claimSlot', 'sendReady'] },
        ],
      },
    },
    registered: {
      on: {
        'agent.published': { target: 'published', actions: 'putBlob' },
        // Withdrawing while unlisted drops an entry inherited from a blinking predecessor, if any.
        'agent.withdrew': { actions: 'dropBlob' },
        'agent.bye': { target: 'left' },
        'agent.refused': { target: 'gone', actions: 'refuseFrame' },
        'socket.closed': { target: 'gone' },
        'heartbeat.missed': { target: 'gone', actions: 'terminateSocket' },
        'slot.taken': { target: 'replaced', actions: 'closeReplaced' },
      },
    },
    published: { on: listed },
    republished: { on: listed },
    grace: {
      entry: 'armGraceTimer',
      exit: 'cancelGraceTimer',
      on: {
        'grace.expired': { target: 'gone' },
        'slot.taken': { target: 'replaced' },
      },
    },
    gone: { type: 'final', entry: ['dropBlob', 'releaseSlot'] },
    left: { type: 'final', entry: ['dropBlob', 'releaseSlot', 'closeSocket'] },
    replaced: { type: 'final' },
  },
});

/** The names of the chart's states, for the shell's logs and tests. */
export type RelaySessionState = 'open' | 'registered' | 'published' | 'republished' | 'grace' | 'gone' | 'left' | 'replaced';
