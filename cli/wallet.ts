/** `mir wallet new | import-phrase | show` (SPEC §6). */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { parseFlags } from '../common/args.js';
import { UserError } from '../common/errors.js';
import { newWallet, phraseFromSecret, walletFromPhrase, PhraseError } from '../crypto/wallet.js';
import { resolveHome } from '../home/home.js';
import { loadWallet, storeWallet } from '../home/wallet.js';

export const WALLET_HELP = `usage:
  mir wallet new [--home DIR] [--json]           create a wallet; prints the address and the 24-word phrase once
  mir wallet import-phrase [--home DIR] [--json] read a 24-word phrase from stdin (or a prompt on a terminal)
  mir wallet show [--home DIR] [--json]          the wallet address (never the secret)`;

const FLAGS = { home: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

async function readPhrase(): Promise<string> {
  if (process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    try {
      return await rl.question('recovery phrase (24 words): ');
    } finally {
      rl.close();
    }
  }
  try {
    return readFileSync(0, 'utf8');
  } catch {
    throw new UserError('could not read the phrase from stdin');
  }
}

export async function walletCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseFlags(rest, FLAGS);
  if (sub === undefined || values.help || sub === 'help') {
    process.stdout.write(`${WALLET_HELP}\n`);
    return sub === undefined ? 2 : 0;
  }
  const home = resolveHome(values.home);
  switch (sub) {
    case 'new': {
      const wallet = newWallet();
      storeWallet(home, wallet);
      const phrase = phraseFromSecret(wallet.secret);
      if (values.json) process.stdout.write(`${JSON.stringify({ address: wallet.address, phrase })}\n`);
      else
        process.stdout.write(
          `address: ${wallet.address}\n\nrecovery phrase (shown once; write it down, it is the wallet):\n${phrase}\n`,
        );
      return 0;
    }
    case 'import-phrase': {
      let wallet;
      try {
        wallet = walletFromPhrase(await readPhrase());
      } catch (err) {
        if (err instanceof PhraseError) throw new UserError(err.message);
        throw err;
      }
      storeWallet(home, wallet);
      if (values.json) process.stdout.write(`${JSON.stringify({ address: wallet.address })}\n`);
      else process.stdout.write(`address: ${wallet.address}\n`);
      return 0;
    }
    case 'show': {
      const wallet = loadWallet(home);
      if (values.json) process.stdout.write(`${JSON.stringify({ address: wallet.address })}\n`);
      else process.stdout.write(`address: ${wallet.address}\n`);
      return 0;
    }
    default:
      throw new UserError(`unknown wallet command ${JSON.stringify(sub)}\n${WALLET_HELP}`, 2);
  }
}
