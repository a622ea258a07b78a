/**
 * Node wiring of the discovery runtime (issue #5): the home folder as the store (seen.json,
 * machines.json, SPEC §5), `ws` as the WebSocket, the home's wallet. The TUI and the CLI use this;
 * the browser uses client/discovery.ts with browserStore().
 *
 *   const d = createNodeDiscovery({ home, relayUrl });   // then d.subscribe / d.onNotice / d.start
 *   const r = await discoverOnceNode({ home, relayUrl, timeoutMs });
 */
import WebSocket from 'ws';
import { UserError } from '../common/errors.js';
import { readAgentFile, readMachinesFile, readSeenFile, seenPath, writeSeenFile } from '../home/files.js';
import { withFileLock } from '../home/lock.js';
import { ensureHome } from '../home/home.js';
import { hasWallet, loadWallet } from '../home/wallet.js';
import { createDiscovery, discoverOnce, type Discovery, type DiscoveryOptions, type OnceResult } from './discovery.js';
import { mergeRows } from './merge.js';
import { type DiscoveryStore } from './store.js';

/**
 * seen.json (machine_id → newest ts) and machines.json of a home. A corrupt file is a UserError
 * naming it (home/home.ts readJsonFile); seen.json is written atomically, and only when it changed.
 */
export function fileStore(home: string): DiscoveryStore {
  return {
    loadSeen: () => new Map(Object.entries(readSeenFile(home).seen)),
    saveSeen: (seen) => {
      ensureHome(home);
      writeSeenFile(home, { seen: Object.fromEntries(seen) });
    },
    mergeSeen: (seen) => {
      ensureHome(home);
      return withFileLock(seenPath(home), () => {
        const stored = readSeenFile(home).seen;
        const fresh = new Set<string>();
        const merged: Record<string, number> = { ...stored };
        for (const [id, ts] of seen) {
          if (!(id in stored)) fresh.add(id);
          merged[id] = Math.max(ts, stored[id] ?? ts);
        }
        writeSeenFile(home, { seen: merged });
        return fresh;
      });
    },
    loadLocal: () => readMachinesFile(home).machines,
  };
}

/** The machine_id of an agent living in the same home, if any: a device is not "new" to itself. */
export function selfMachineId(home: string): string | undefined {
  try {
    return readAgentFile(home)?.machine_id;
  } catch (err) {
    if (err instanceof UserError) return undefined; // the agent reports its own corrupt file
    throw err;
  }
}

export interface NodeDiscoveryOptions extends Omit<DiscoveryOptions, 'wallet' | 'store' | 'WebSocket'> {
  home: string;
  /** Defaults to the home's wallet (loadWallet: a missing one is a UserError saying how to make one). */
  wallet?: DiscoveryOptions['wallet'];
  store?: DiscoveryStore;
}

function nodeOptions(o: NodeDiscoveryOptions): DiscoveryOptions {
  return {
    ...o,
    wallet: o.wallet ?? loadWallet(o.home),
    store: o.store ?? fileStore(o.home),
    WebSocket: WebSocket as unknown as new (url: string) => object,
    selfMachineId: o.selfMachineId ?? selfMachineId(o.home),
  };
}

/** A live discovery runtime for a home (watch mode by default). */
export function createNodeDiscovery(o: NodeDiscoveryOptions): Discovery {
  return createDiscovery(nodeOptions(o));
}

/**
 * One-shot discovery for a home. Without a wallet there is no registry to ask: the result holds
 * the local machines only, with `problem` saying so.
 */
export async function discoverOnceNode(o: NodeDiscoveryOptions): Promise<OnceResult> {
  if (!o.wallet && !hasWallet(o.home)) {
    const local = (o.store ?? fileStore(o.home)).loadLocal();
    const devices = mergeRows(local, new Map());
    return {
      view: { wallet: '', connection: { kind: 'offline' }, devices, dropped: 0, problem: `no wallet in ${o.home}` },
      reached: false,
      notices: [],
    };
  }
  return discoverOnce(nodeOptions(o));
}
