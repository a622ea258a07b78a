/**
 * The two ways in (issue #7): a passkey's PRF secret or the 24-word recovery phrase, both ending
 * in the same Wallet (SPEC §2). The phrase is checked exactly as the CLI checks it (PhraseError's
 * sentences). DOM-free so vitest can drive it.
 */
import { PhraseError, walletFromPhrase, walletFromSecret, type Wallet } from '../crypto/wallet.js';
import { PasskeyError, passkeySecret, registerPasskey, type PasskeyDeps } from './passkey.js';

export type SignInMethod = 'phrase' | 'passkey' | 'new-passkey';

export type SignInResult =
  | { readonly ok: true; readonly wallet: Wallet; readonly method: SignInMethod }
  | { readonly ok: false; readonly message: string };

/** A typed phrase → a wallet, or the CLI's sentence for what is wrong with it. */
export function signInWithPhrase(text: string): SignInResult {
  try {
    return { ok: true, wallet: walletFromPhrase(text), method: 'phrase' };
  } catch (e) {
    if (e instanceof PhraseError) return { ok: false, message: e.message };
    throw e;
  }
}

/** An existing passkey (or, with `create`, a new one: a new wallet) → a wallet. */
export async function signInWithPasskey(deps: PasskeyDeps, create = false): Promise<SignInResult> {
  let secret: Uint8Array | undefined;
  try {
    secret = create ? await registerPasskey(deps) : await passkeySecret(deps);
    return { ok: true, wallet: walletFromSecret(secret), method: create ? 'new-passkey' : 'passkey' };
  } catch (e) {
    if (e instanceof PasskeyError) return { ok: false, message: e.message };
    throw e;
  } finally {
    // walletFromSecret keeps its own copy; this one is ours to wipe.
    secret?.fill(0);
  }
}

/** Sign out: wipe what can be wiped. The signing key lives in a closure and goes with the wallet. */
export function wipeWallet(wallet: Wallet): void {
  wallet.secret.fill(0);
  wallet.registryKey.fill(0);
}
