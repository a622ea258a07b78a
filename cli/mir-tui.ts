#!/usr/bin/env node
/**
 * `mir-tui [--relay URL] [--home DIR] [--exec TEMPLATE] [--inspect [URL]]` (SPEC §6, issue #6):
 * the live device list and picker. Thin: parse flags, load the wallet, find the terminal, start
 * the discovery client, render, then print the pick (stdout) or run --exec.
 */
import { runMain } from '../common/errors.js';
import { parseFlags, relayUrlFlag } from '../common/args.js';
import { startInspector } from '../common/inspect.js';
import { resolveHome } from '../home/home.js';
import { loadWallet } from '../home/wallet.js';
import { createNodeDiscovery } from '../client/node.js';
import { toMachineJson } from '../client/view.js';
import { runCommand, splitTemplate, substitute } from '../tui/exec.js';
import { colorWanted } from '../tui/format.js';
import { openTerminal } from '../tui/terminal.js';
// `import type` (not `import { type … }`): these must vanish from the output, so Ink loads only in loadInk.
import type { TuiResult } from '../tui/shell.js';
import type { runTui as RunTui } from '../tui/run.js';

const HELP = `mir-tui — your machines, live; pick one

usage: mir-tui [--relay URL] [--home DIR] [--exec TEMPLATE] [--inspect [URL]]

  type to filter by name · ↑↓ or ctrl-p/ctrl-n move · enter picks · esc clears, then quits · ? help

A pick prints the machine as JSON on stdout (mir-tui | jq -r .name) and exits 0; quitting exits 130.
--exec 'ssh {name}' runs the command instead (no shell; {name} {machine_id} {host_pub}
{signal_url} {source} are substituted, each staying one argument) and exits with its code.
The screen is drawn on the terminal (stderr or /dev/tty), never on stdout. NO_COLOR is honoured.
For scripts without a terminal: mir list --json.`;

/**
 * Loads Ink and React under the environment a terminal UI wants, then puts the environment back
 * for --exec: Ink draws only the final frame when CI is set (is-in-ci, read once at load), and
 * React's development build (chosen by NODE_ENV at load) costs about twice the CPU per frame.
 */
async function loadInk(output: NodeJS.WriteStream, color: boolean): Promise<{ runTui: typeof RunTui }> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION, NODE_ENV: process.env.NODE_ENV, FORCE_COLOR: process.env.FORCE_COLOR };
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  process.env.NODE_ENV ??= 'production';
  // chalk picks its colour level from stdout, which `mir-tui | jq` makes a pipe: take it from the
  // terminal the screen is drawn on instead.
  if (color && saved.FORCE_COLOR === undefined) {
    const depth = output.getColorDepth?.() ?? 1;
    process.env.FORCE_COLOR = depth >= 24 ? '3' : depth >= 8 ? '2' : depth >= 4 ? '1' : '0';
  }
  try {
    return await import('../tui/run.js');
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

await runMain('mir-tui', async () => {
  const { values, inspect } = parseFlags(
    process.argv.slice(2),
    { relay: { type: 'string' }, home: { type: 'string' }, exec: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    { allowInspect: true },
  );
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  // Refuse every mistake before the screen opens.
  const template = typeof values.exec === 'string' ? splitTemplate(values.exec) : undefined;
  const relayUrl = relayUrlFlag(values.relay);
  const home = resolveHome(values.home);
  const wallet = loadWallet(home);
  const terminal = openTerminal();
  const inspector = inspect ? startInspector(inspect) : undefined;
  let result: TuiResult;
  try {
    const { runTui } = await loadInk(terminal.output, colorWanted());
    const discovery = createNodeDiscovery({ home, relayUrl, wallet, inspect: inspector?.inspect });
    discovery.start();
    try {
      result = await runTui({ source: discovery, terminal, color: colorWanted() });
    } finally {
      discovery.stop();
    }
  } finally {
    inspector?.stop();
    terminal.close();
  }
  if (result.kind === 'quit') return 130;
  if (!template) {
    const json = `${JSON.stringify(toMachineJson(result.device))}\n`;
    await new Promise<void>((resolve) => process.stdout.write(json, () => resolve()));
    return 0;
  }
  return runCommand(substitute(template, result.device));
});
// Nothing may keep a finished picker alive (an inspector still retrying its socket would), or
// `ssh $(mir-tui | jq -r .name)` hangs after the pick. stdout was flushed above.
process.exit();
