#!/usr/bin/env node
/** `mir`: wallet commands and discovery (SPEC §6). Parses the command, hands over. */
import { runMain, UserError } from '../common/errors.js';
import { walletCommand, WALLET_HELP } from './wallet.js';
import { discoveryCommands, DISCOVERY_HELP } from './discovery.js';

const HELP = `mir — your machines by name, through a blind relay

${WALLET_HELP}

${DISCOVERY_HELP}

The relay URL defaults to $MIR_RELAY, then ws://127.0.0.1:8787.
The home folder is --home DIR, else $MIR_HOME, else $XDG_CONFIG_HOME/mir, else ~/.config/mir.`;

await runMain('mir', async () => {
  const [cmd, ...rest] = process.argv.slice(2);
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(`${HELP}\n`);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === 'wallet') return walletCommand(rest);
  const discovery = discoveryCommands[cmd];
  if (discovery) return discovery(rest);
  throw new UserError(`unknown command ${JSON.stringify(cmd)} (see mir --help)`, 2);
});
