#!/usr/bin/env node
/**
 * `mir-agent` (SPEC §6, issue #4): the headless daemon that makes this machine appear in every
 * list of its wallet. Parses flags, prepares the home (wallet, agent.json, owners.json), starts
 * the runtime shell and wires signals: SIGINT/SIGTERM leave cleanly, SIGHUP reloads agent.json.
 * `mir-agent rename NAME` rewrites agent.json; a running agent notices and republishes.
 */
import { parseFlags, relayUrlFlag } from '../common/args.js';
import { runMain, UserError } from '../common/errors.js';
import { createLogger } from '../common/log.js';
import { nameProblem } from '../crypto/record.js';
import { pinOwner } from '../home/files.js';
import { lockAgentHome } from '../home/lock.js';
import { resolveHome } from '../home/home.js';
import { loadWallet } from '../home/wallet.js';
import { loadOrCreateAgentFile, renameAgent } from '../agent/config.js';
import { startAgentRuntime } from '../agent/runtime.js';

const HELP = `mir-agent — publish this machine to its wallet's relay, and keep it published

usage:
  mir-agent [--relay URL] [--name NAME] [--home DIR] [--inspect [URL]]
  mir-agent rename NAME [--home DIR]

  --relay URL   relay to register with (saved in agent.json); first run: $MIR_RELAY, then ws://127.0.0.1:8787
  --name NAME   the name other devices see (saved in agent.json); first run: the host name
  --home DIR    home folder (else $MIR_HOME, $XDG_CONFIG_HOME/mir, ~/.config/mir); needs a wallet
  --inspect     stream the agent's statechart to the Stately inspector (default ws://127.0.0.1:8080)

The agent reconnects with backoff (1 s … 30 s, jittered) and republishes after every reconnect.
SIGINT/SIGTERM: says bye to the relay (it drops the entry at once) and exits 0.
SIGHUP or \`mir-agent rename\`: re-reads agent.json and republishes on the live connection.`;

// Leave within 2 s whatever the relay does (issue #4); stop() itself gives up after 1.5 s.
const EXIT_DEADLINE_MS = 1_900;

async function rename(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, { home: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, { allowPositionals: true });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UserError('usage: mir-agent rename NAME [--home DIR]', 2);
  const home = resolveHome(values.home);
  const file = renameAgent(home, positionals[0]!);
  process.stdout.write(`renamed to ${JSON.stringify(file.name)} (machine_id ${file.machine_id}); a running agent republishes it now\n`);
  return 0;
}

async function serve(argv: string[]): Promise<number> {
  const { values, positionals, inspect } = parseFlags(
    argv,
    { relay: { type: 'string' }, name: { type: 'string' }, home: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    { allowInspect: true, allowPositionals: true },
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UserError(`unknown command ${JSON.stringify(positionals[0])} (see mir-agent --help)`, 2);
  const name = values.name as string | undefined;
  if (name !== undefined) {
    const problem = nameProblem(name);
    if (problem) throw new UserError(`--name: ${problem}`, 2);
  }
  const relayUrl = values.relay !== undefined ? relayUrlFlag(values.relay) : undefined;
  const home = resolveHome(values.home);
  // The wallet first: without one, say which command makes it and create nothing.
  const wallet = loadWallet(home);
  const unlock = lockAgentHome(home);
  process.on('exit', unlock);
  const setup = loadOrCreateAgentFile(home, { name, relayUrl, defaultRelayUrl: () => relayUrlFlag(undefined) });
  pinOwner(home, wallet.address); // SPEC §4: a wallet-holding agent accepts its own wallet
  const log = createLogger('agent');
  log('start', {
    machine_id: setup.file.machine_id,
    name: setup.file.name,
    relay: setup.file.relay_url,
    owner: wallet.address,
    home,
    created: setup.created,
    updated: setup.updated.join(',') || undefined,
  });

  // Loaded only when asked for: the inspector client is a good share of an idle agent's memory.
  const inspector = inspect ? (await import('../common/inspect.js')).startInspector(inspect) : undefined;
  const runtime = startAgentRuntime({ home, wallet, log, inspect: inspector?.inspect });

  await new Promise<void>((resolve) => {
    const leave = (signal: string) => {
      log('signal', { signal });
      setTimeout(() => process.exit(0), EXIT_DEADLINE_MS).unref();
      void runtime.stop().then(resolve);
    };
    // `on`, not `once`: a second Ctrl-C while the bye is on its way must not kill the process
    // with 130 before the clean exit 0.
    let leaving = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        if (leaving) return;
        leaving = true;
        leave(signal);
      });
    }
    process.on('SIGHUP', () => {
      log('signal', { signal: 'SIGHUP', note: 're-reading agent.json' });
      runtime.reload();
    });
  });
  inspector?.stop();
  return 0;
}

await runMain('mir-agent', async () => {
  const argv = process.argv.slice(2);
  if (argv[0] === 'rename') return rename(argv.slice(1));
  const code = await serve(argv);
  // Nothing should keep the process alive after a clean leave; make sure of it.
  process.exit(code);
});
