/**
 * The files of a home folder (SPEC §5), each with its shape, its check and its mode.
 * Shapes are plain JSON so people can read them; secrets live only in 0600 files.
 */
import { join } from 'node:path';
import { readJsonFile, writeJsonAtomic, SECRET_FILE_MODE, PUBLIC_FILE_MODE } from './home.js';
import { nameProblem } from '../crypto/record.js';

export const WALLET_FILE = 'wallet.json';
export const AGENT_FILE = 'agent.json';
export const OWNERS_FILE = 'owners.json';
export const MACHINES_FILE = 'machines.json';
export const SEEN_FILE = 'seen.json';

const HEX64 = /^[0-9a-f]{64}$/;
const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const ADDRESS = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

/** A ws:// or wss:// URL that parses (a prefix check alone lets `ws://[bad` through to connect time). */
function isRelayUrl(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  try {
    const { protocol } = new URL(v);
    return protocol === 'ws:' || protocol === 'wss:';
  } catch {
    return false;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---- wallet.json (secret, 0600) ----
export interface WalletFile {
  /** 64 hex: the 32-byte wallet secret. */
  secret: string;
  address: string;
}
export function checkWalletFile(v: unknown): WalletFile | string {
  if (!isObject(v)) return 'expected an object';
  if (typeof v.secret !== 'string' || !HEX64.test(v.secret)) return '"secret" must be 64 lowercase hex';
  if (typeof v.address !== 'string' || !ADDRESS.test(v.address)) return '"address" must be a base58 wallet address';
  return { secret: v.secret, address: v.address };
}
export const walletPath = (home: string) => join(home, WALLET_FILE);
export const readWalletFile = (home: string) => readJsonFile(walletPath(home), checkWalletFile);

// ---- agent.json (holds the host private key and registration secret: 0600) ----
export interface AgentFile {
  machine_id: string;
  name: string;
  /** 64 hex X25519 private key. */
  host_private: string;
  host_pub: string;
  /** 64 hex, sent as X-TR-Agent-Registration-Secret. */
  registration_secret: string;
  relay_url: string;
}
export function checkAgentFile(v: unknown): AgentFile | string {
  if (!isObject(v)) return 'expected an object';
  if (typeof v.machine_id !== 'string' || !MACHINE_ID.test(v.machine_id)) return '"machine_id" must be 1-64 of [A-Za-z0-9_-]';
  const np = nameProblem(v.name);
  if (np) return `"name": ${np}`;
  for (const k of ['host_private', 'host_pub', 'registration_secret'] as const) {
    if (typeof v[k] !== 'string' || !HEX64.test(v[k] as string)) return `"${k}" must be 64 lowercase hex`;
  }
  if (!isRelayUrl(v.relay_url)) return '"relay_url" must be a ws:// or wss:// URL';
  return {
    machine_id: v.machine_id,
    name: v.name as string,
    host_private: v.host_private as string,
    host_pub: v.host_pub as string,
    registration_secret: v.registration_secret as string,
    relay_url: v.relay_url,
  };
}
export const agentPath = (home: string) => join(home, AGENT_FILE);
export const readAgentFile = (home: string) => readJsonFile(agentPath(home), checkAgentFile);
export const writeAgentFile = (home: string, a: AgentFile) => writeJsonAtomic(agentPath(home), a, SECRET_FILE_MODE);

// ---- owners.json ----
export interface OwnersFile {
  owners: string[];
}
export function checkOwnersFile(v: unknown): OwnersFile | string {
  if (!isObject(v) || !Array.isArray(v.owners)) return 'expected {"owners":[…]}';
  if (!v.owners.every((o) => typeof o === 'string' && ADDRESS.test(o))) return '"owners" must hold wallet addresses';
  return { owners: v.owners as string[] };
}
export const ownersPath = (home: string) => join(home, OWNERS_FILE);
export const readOwnersFile = (home: string) => readJsonFile(ownersPath(home), checkOwnersFile) ?? { owners: [] };
export function pinOwner(home: string, address: string): boolean {
  const cur = readOwnersFile(home);
  if (cur.owners.includes(address)) return false;
  writeJsonAtomic(ownersPath(home), { owners: [...cur.owners, address] }, PUBLIC_FILE_MODE);
  return true;
}

// ---- machines.json (added by hand, for machines of other wallets) ----
export interface LocalMachine {
  name: string;
  machine_id: string;
  host_pub: string;
  signal_url: string;
}
export interface MachinesFile {
  machines: LocalMachine[];
}
export function checkMachinesFile(v: unknown): MachinesFile | string {
  if (!isObject(v) || !Array.isArray(v.machines)) return 'expected {"machines":[…]}';
  const out: LocalMachine[] = [];
  for (const [i, m] of v.machines.entries()) {
    if (!isObject(m)) return `machines[${i}] must be an object`;
    const np = nameProblem(m.name);
    if (np) return `machines[${i}].name: ${np}`;
    if (typeof m.machine_id !== 'string' || !MACHINE_ID.test(m.machine_id)) return `machines[${i}].machine_id must be 1-64 of [A-Za-z0-9_-]`;
    if (typeof m.host_pub !== 'string' || !HEX64.test(m.host_pub)) return `machines[${i}].host_pub must be 64 lowercase hex`;
    if (typeof m.signal_url !== 'string') return `machines[${i}].signal_url must be a string`;
    out.push({ name: m.name as string, machine_id: m.machine_id, host_pub: m.host_pub, signal_url: m.signal_url });
  }
  return { machines: out };
}
export const machinesPath = (home: string) => join(home, MACHINES_FILE);
export const readMachinesFile = (home: string) => readJsonFile(machinesPath(home), checkMachinesFile) ?? { machines: [] };
export const writeMachinesFile = (home: string, m: MachinesFile) => writeJsonAtomic(machinesPath(home), m, PUBLIC_FILE_MODE);

// ---- seen.json: machine_ids already announced, with the newest record ts seen for each ----
export interface SeenFile {
  /** machine_id → newest ts seen (SPEC §7: a ts that goes backwards is flagged). */
  seen: Record<string, number>;
}
export function checkSeenFile(v: unknown): SeenFile | string {
  if (!isObject(v) || !isObject(v.seen)) return 'expected {"seen":{machine_id: ts}}';
  for (const [k, t] of Object.entries(v.seen)) {
    if (!MACHINE_ID.test(k) || typeof t !== 'number' || !Number.isSafeInteger(t)) return `"seen" entry ${JSON.stringify(k)} is not machine_id → integer ts`;
  }
  return { seen: { ...(v.seen as Record<string, number>) } };
}
export const seenPath = (home: string) => join(home, SEEN_FILE);
export const readSeenFile = (home: string) => readJsonFile(seenPath(home), checkSeenFile) ?? { seen: {} };
export const writeSeenFile = (home: string, s: SeenFile) => writeJsonAtomic(seenPath(home), s, PUBLIC_FILE_MODE);
