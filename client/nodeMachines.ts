/**
 * `mir machines add | remove | list` (issue #5): machines.json, the hand-kept list for machines of
 * another wallet (the manual path the design keeps). Validated before writing, written atomically.
 */
import { UserError } from '../common/errors.js';
import { nameProblem } from '../crypto/record.js';
import { checkMachinesFile, machinesPath, readMachinesFile, writeMachinesFile, type LocalMachine } from '../home/files.js';
import { ensureHome } from '../home/home.js';

const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const HEX64 = /^[0-9a-f]{64}$/;

/** Why a machines.json entry is not acceptable, naming the flag; null when it is. */
export function localMachineProblem(m: { name?: string; machine_id?: string; host_pub?: string; signal_url?: string }): string | null {
  const np = nameProblem(m.name);
  if (np) return `--name: ${np}`;
  if (typeof m.machine_id !== 'string' || !MACHINE_ID.test(m.machine_id)) return '--machine-id must be 1-64 of [A-Za-z0-9_-]';
  if (typeof m.host_pub !== 'string' || !HEX64.test(m.host_pub)) return '--host-pub must be 64 lowercase hex (the X25519 public key)';
  let url: URL | null = null;
  try {
    url = new URL(m.signal_url ?? '');
  } catch {
    /* below */
  }
  if (!url || (url.protocol !== 'ws:' && url.protocol !== 'wss:')) return '--signal-url must be a ws:// or wss:// URL';
  return null;
}

/** Adds a machine; refuses a machine_id already there (remove it first: no silent overwrite). */
export function addMachine(home: string, m: LocalMachine): void {
  const problem = localMachineProblem(m);
  if (problem) throw new UserError(problem, 2);
  const cur = readMachinesFile(home);
  if (cur.machines.some((x) => x.machine_id === m.machine_id)) {
    throw new UserError(`${machinesPath(home)} already holds machine_id ${m.machine_id}; remove it first`);
  }
  const next = { machines: [...cur.machines, { name: m.name, machine_id: m.machine_id, host_pub: m.host_pub, signal_url: m.signal_url }] };
  const checked = checkMachinesFile(next);
  if (typeof checked === 'string') throw new UserError(checked, 2);
  ensureHome(home);
  writeMachinesFile(home, checked);
}

/** Removes a machine by machine_id; an unknown one is a UserError. Returns the removed entry. */
export function removeMachine(home: string, machineId: string): LocalMachine {
  const cur = readMachinesFile(home);
  const gone = cur.machines.find((x) => x.machine_id === machineId);
  if (!gone) throw new UserError(`no machine with machine_id ${JSON.stringify(machineId)} in ${machinesPath(home)}`);
  writeMachinesFile(home, { machines: cur.machines.filter((x) => x.machine_id !== machineId) });
  return gone;
}

export const listMachines = (home: string): LocalMachine[] => readMachinesFile(home).machines;
