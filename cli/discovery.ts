/** `mir list | resolve | machines` (SPEC §6, issue #5): parse flags, hand over to client/. */
import { parseFlags, relayUrlFlag, secondsFlag } from '../common/args.js';
import { UserError } from '../common/errors.js';
import { hostFingerprint } from '../crypto/host.js';
import { resolveHome } from '../home/home.js';
import { discoverOnceNode } from '../client/node.js';
import { addMachine, listMachines, removeMachine } from '../client/nodeMachines.js';
import { resolveName } from '../client/resolve.js';
import { type OnceResult } from '../client/discovery.js';
import { noticeText, toMachineJson, type DeviceRow } from '../client/view.js';

export const DISCOVERY_HELP = `  mir list [--relay URL] [--json] [--home DIR] [--timeout S] [--debug]
                                                 your machines: machines.json, then the wallet's registry
  mir resolve NAME [--json] [--machine-id ID] [--relay URL] [--home DIR] [--timeout S]
                                                 one machine by name (local first); exit 1 unknown, 3 ambiguous
  mir machines add --name N --machine-id ID --host-pub HEX --signal-url URL [--home DIR]
  mir machines remove ID [--home DIR]
  mir machines list [--json] [--home DIR]         machines.json: machines of another wallet, kept by hand`;

const COMMON = {
  relay: { type: 'string' },
  home: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_TIMEOUT_S = 5;

/** Runs the one-shot discovery; notices and "could not reach" go to stderr (stdout stays data). */
async function discover(values: Record<string, string | boolean | undefined>): Promise<{ result: OnceResult; relayUrl: string }> {
  const home = resolveHome(values.home);
  const relayUrl = relayUrlFlag(values.relay);
  const timeoutMs = secondsFlag('timeout', values.timeout, DEFAULT_TIMEOUT_S, { min: 0.05, max: 600 }) * 1000;
  const result = await discoverOnceNode({
    home,
    relayUrl,
    timeoutMs,
    onStoreError: (err) => process.stderr.write(`mir: ${err instanceof Error ? err.message : String(err)} (new devices may be announced again)\n`),
  });
  for (const n of result.notices) process.stderr.write(`${noticeText(n.name)}\n`);
  if (!result.reached && result.view.wallet === '') {
    process.stderr.write(`mir: ${result.view.problem ?? 'no wallet'} (mir wallet new, or mir wallet import-phrase): local machines only\n`);
  } else if (!result.reached) {
    process.stderr.write(`mir: the registry at ${relayUrl} could not be reached (${result.view.problem ?? 'no answer'}); local machines only\n`);
  }
  if (values.debug) {
    const n = result.view.dropped;
    process.stderr.write(`mir: debug: dropped ${n} registry entr${n === 1 ? 'y' : 'ies'} that did not open\n`);
  }
  return { result, relayUrl };
}

/** A plain text table: columns padded to their widest cell (names are ≤ 64 chars, no controls). */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length))).join('  ').trimEnd()).join('\n');
}

function note(row: DeviceRow): string {
  return [row.isNew ? 'new' : '', row.stale ? 'stale record (ts went backwards)' : ''].filter(Boolean).join(', ');
}

async function listCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, COMMON);
  if (values.help) {
    process.stdout.write(`${DISCOVERY_HELP}\n`);
    return 0;
  }
  const { result } = await discover(values);
  const devices = result.view.devices;
  if (values.json) process.stdout.write(`${JSON.stringify(devices.map(toMachineJson))}\n`);
  else if (devices.length === 0) process.stdout.write('no machines\n');
  else {
    const head = ['NAME', 'MACHINE_ID', 'HOST KEY', 'SOURCE', 'ONLINE', 'NOTE'];
    const body = devices.map((d) => [d.name, d.machine_id, hostFingerprint(d.host_pub), d.source, d.online ? 'yes' : 'no', note(d)]);
    process.stdout.write(`${table([head, ...body])}\n`);
  }
  // Non-zero only when nothing could be listed and the registry was asked for explicitly.
  return !result.reached && values.relay !== undefined && devices.length === 0 ? 1 : 0;
}

async function resolveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { ...COMMON, 'machine-id': { type: 'string' } }, { allowPositionals: true });
  if (values.help) {
    process.stdout.write(`${DISCOVERY_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('mir resolve takes one NAME (see --help)', 2);
  const name = positionals[0]!;
  const machineId = typeof values['machine-id'] === 'string' ? values['machine-id'] : undefined;
  const { result } = await discover(values);
  const r = resolveName(result.view.devices, name, machineId);
  if (r.kind === 'unknown') {
    const hint = r.close.length > 0 ? `; close: ${r.close.map((n) => JSON.stringify(n)).join(', ')}` : '';
    const what = machineId !== undefined ? `no machine named ${JSON.stringify(name)} with machine_id ${machineId}` : `no machine named ${JSON.stringify(name)}`;
    throw new UserError(`${what}${hint}`, 1);
  }
  if (r.kind === 'ambiguous') {
    throw new UserError(`${r.rows.length} machines are named ${JSON.stringify(name)}: ${r.rows.map((x) => x.machine_id).join(', ')}; pick one with --machine-id`, 3);
  }
  const row = r.row;
  if (values.json) process.stdout.write(`${JSON.stringify(toMachineJson(row))}\n`);
  else {
    process.stdout.write(
      `name:       ${row.name}\nmachine_id: ${row.machine_id}\nhost_pub:   ${row.host_pub}\nsignal_url: ${row.signal_url}\n` +
        `source:     ${row.source}\nonline:     ${row.online ? 'yes' : 'no'}${row.stale ? '\nnote:       stale record (ts went backwards)' : ''}\n`,
    );
  }
  return 0;
}

const MACHINES_FLAGS = {
  home: { type: 'string' },
  json: { type: 'boolean' },
  name: { type: 'string' },
  'machine-id': { type: 'string' },
  'host-pub': { type: 'string' },
  'signal-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function machinesCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseFlags(rest, MACHINES_FLAGS, { allowPositionals: true });
  if (sub === undefined || sub === 'help' || values.help) {
    process.stdout.write(`${DISCOVERY_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  const home = resolveHome(values.home);
  const str = (k: keyof typeof values): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  switch (sub) {
    case 'add': {
      if (positionals.length > 0) throw new UserError('mir machines add takes flags only (see --help)', 2);
      for (const k of ['name', 'machine-id', 'host-pub', 'signal-url'] as const) if (str(k) === undefined) throw new UserError(`mir machines add needs --${k}`, 2);
      const m = { name: str('name')!, machine_id: str('machine-id')!, host_pub: str('host-pub')!, signal_url: str('signal-url')! };
      addMachine(home, m);
      process.stdout.write(values.json ? `${JSON.stringify(m)}\n` : `added ${JSON.stringify(m.name)} (${m.machine_id})\n`);
      return 0;
    }
    case 'remove': {
      const id = str('machine-id') ?? positionals[0];
      if (id === undefined || positionals.length > 1) throw new UserError('mir machines remove takes one machine_id (see --help)', 2);
      const gone = removeMachine(home, id);
      process.stdout.write(values.json ? `${JSON.stringify(gone)}\n` : `removed ${JSON.stringify(gone.name)} (${gone.machine_id})\n`);
      return 0;
    }
    case 'list': {
      const ms = listMachines(home);
      if (values.json) process.stdout.write(`${JSON.stringify(ms)}\n`);
      else if (ms.length === 0) process.stdout.write('no machines in machines.json\n');
      else process.stdout.write(`${table([['NAME', 'MACHINE_ID', 'HOST KEY', 'SIGNAL_URL'], ...ms.map((m) => [m.name, m.machine_id, hostFingerprint(m.host_pub), m.signal_url])])}\n`);
      return 0;
    }
    default:
      throw new UserError(`unknown machines command ${JSON.stringify(sub)} (see mir machines --help)`, 2);
  }
}

export const discoveryCommands: Record<string, (argv: string[]) => Promise<number>> = {
  list: listCommand,
  resolve: resolveCommand,
  machines: machinesCommand,
};
