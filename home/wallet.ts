/** The wallet of a home: load it (checked against its own address) or store a new one. */
import { existsSync } from 'node:fs';
import { hex } from '../crypto/bytes.js';
import { walletFromSecret, type Wallet } from '../crypto/wallet.js';
import { UserError } from '../common/errors.js';
import { readWalletFile, walletPath, type WalletFile } from './files.js';
import { createFileAtomic, ensureHome, SECRET_FILE_MODE } from './home.js';

export function hasWallet(home: string): boolean {
  return existsSync(walletPath(home));
}

/** The home's wallet; a missing one says which command makes it. */
export function loadWallet(home: string): Wallet {
  const file = readWalletFile(home);
  if (!file) {
    throw new UserError(`no wallet in ${home}: run \`mir wallet new --home ${home}\` or \`mir wallet import-phrase --home ${home}\``);
  }
  const wallet = walletFromSecret(hex.decode(file.secret));
  if (wallet.address !== file.address) throw new UserError(`${walletPath(home)} is corrupt: its address does not match its secret`);
  return wallet;
}

/** Stores a wallet in a home that has none; refuses to overwrite one (that would lose a wallet). */
export function storeWallet(home: string, wallet: Wallet): void {
  ensureHome(home);
  const refuse = () => new UserError(`${walletPath(home)} already holds a wallet; use another --home or move it away first`);
  if (hasWallet(home)) throw refuse();
  // Created exclusively: of two `mir wallet new` racing, one fails here before printing a phrase
  // whose wallet the other would then overwrite.
  const file: WalletFile = { secret: hex.encode(wallet.secret), address: wallet.address };
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (!createFileAtomic(walletPath(home), text, SECRET_FILE_MODE)) throw refuse();
}
