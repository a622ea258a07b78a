/** The wallet of a home: load it (checked against its own address) or store a new one. */
import { existsSync } from 'node:fs';
import { hex } from '../crypto/bytes.js';
import { walletFromSecret, type Wallet } from '../crypto/wallet.js';
import { UserError } from '../common/errors.js';
import { readWalletFile, walletPath, writeWalletFile } from './files.js';
import { ensureHome } from './home.js';

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
  if (hasWallet(home)) {
    throw new UserError(`${walletPath(home)} already holds a wallet; use another --home or move it away first`);
  }
  writeWalletFile(home, { secret: hex.encode(wallet.secret), address: wallet.address });
}
