/**
 * The wallet (SPEC §2): a 32-byte secret ⇄ a 24-word BIP39 phrase (entropy = secret), then
 * BIP39 seed → SLIP-0010 ed25519 at m/44'/501'/0'/0' → the Ed25519 key whose base58 public key
 * is the wallet address (owner_id), the relay's routing key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { assertBytes, base58, randomBytes } from './bytes.js';
import { registryKey, WALLET_SECRET_LENGTH } from './registry.js';
import { slip10Derive } from './slip10.js';

export const WALLET_PATH = "m/44'/501'/0'/0'";
export const PHRASE_WORDS = 24;

export interface Wallet {
  /** The 32-byte wallet secret. Never log it. */
  readonly secret: Uint8Array;
  /** base58 of the Ed25519 public key: owner_id. */
  readonly address: string;
  readonly publicKey: Uint8Array;
  /** K_reg, derived here once; never sent anywhere. */
  readonly registryKey: Uint8Array;
  /** Ed25519 signature with the wallet key. */
  sign(message: Uint8Array): Uint8Array;
}

/** A phrase the user typed that is not a valid 24-word English BIP39 phrase. */
export class PhraseError extends Error {
  override readonly name = 'PhraseError';
}

/** The phrase for a secret: BIP39 English with entropy = secret, always 24 words. */
export function phraseFromSecret(secret: Uint8Array): string {
  assertBytes('secret', secret, WALLET_SECRET_LENGTH);
  return entropyToMnemonic(secret, wordlist);
}

/** Lowercases and folds whitespace, so a pasted phrase with line breaks still reads. */
export function normalizePhrase(phrase: string): string {
  return phrase.normalize('NFKD').trim().toLowerCase().split(/\s+/).join(' ');
}

/** The secret a phrase encodes; PhraseError with one clear sentence otherwise. */
export function secretFromPhrase(phrase: string): Uint8Array {
  const normal = normalizePhrase(phrase);
  const words = normal === '' ? [] : normal.split(' ');
  if (words.length !== PHRASE_WORDS) {
    throw new PhraseError(`a recovery phrase has ${PHRASE_WORDS} words, this one has ${words.length}`);
  }
  const unknown = words.findIndex((w) => !wordlist.includes(w));
  // The position only, never the word: a typo is usually one letter from a word of the phrase.
  if (unknown >= 0) throw new PhraseError(`word ${unknown + 1} is not in the BIP39 English wordlist`);
  try {
    return mnemonicToEntropy(normal, wordlist);
  } catch {
    throw new PhraseError('the recovery phrase has a bad checksum: a word is wrong or out of order');
  }
}

/** Ed25519 private seed of the wallet: SLIP-0010 of the BIP39 seed (empty passphrase). */
export function walletSigningKey(secret: Uint8Array): Uint8Array {
  const seed = mnemonicToSeedSync(phraseFromSecret(secret), '');
  return slip10Derive(seed, WALLET_PATH).key;
}

/** base58 address of a 32-byte Ed25519 public key. */
export function addressFromPublicKey(publicKey: Uint8Array): string {
  return base58.encode(assertBytes('publicKey', publicKey, 32));
}

export function walletFromSecret(secret: Uint8Array): Wallet {
  assertBytes('secret', secret, WALLET_SECRET_LENGTH);
  const own = Uint8Array.from(secret);
  const signingKey = walletSigningKey(own);
  const publicKey = ed25519.getPublicKey(signingKey);
  return {
    secret: own,
    publicKey,
    address: addressFromPublicKey(publicKey),
    registryKey: registryKey(own),
    sign: (message) => ed25519.sign(message, signingKey),
  };
}

export function walletFromPhrase(phrase: string): Wallet {
  return walletFromSecret(secretFromPhrase(phrase));
}

/** A fresh wallet from the CSPRNG. */
export function newWallet(): Wallet {
  return walletFromSecret(randomBytes(WALLET_SECRET_LENGTH));
}
