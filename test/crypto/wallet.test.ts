// Wallet derivation (SPEC §2): official BIP39 and SLIP-0010 vectors, the project's wallet vectors,
// and a second, independent derivation with node:crypto (PBKDF2, HMAC-SHA512, Ed25519).
import { createHmac, createPrivateKey, createPublicKey, pbkdf2Sync, verify as nodeVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { entropyToMnemonic, mnemonicToEntropy, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base58, hex } from '../../crypto/bytes.js';
import { AUTH_WINDOW_SECONDS, signRegistration, verifyRegistration, verifyRegistration as verifyWith } from '../../crypto/auth.js';
import { nodeEd25519Verify } from '../../crypto/ed25519-node.js';
import { slip10Derive } from '../../crypto/slip10.js';
import { newWallet, phraseFromSecret, PhraseError, secretFromPhrase, walletFromPhrase, walletFromSecret, walletSigningKey } from '../../crypto/wallet.js';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../vectors/${name}`, import.meta.url), 'utf8'));
const BIP39 = load('bip39-english.json') as { passphrase: string; vectors: { entropy: string; mnemonic: string; seed: string }[] };
const SLIP10 = load('slip10-ed25519.json') as { vectors: { seed: string; chains: { path: string; chainCode: string; key: string }[] }[] };
const WALLET = load('wallet.json') as {
  wallets: { secret: string; phrase: string; seed: string; private_key: string; public_key: string; address: string; registry_key: string }[];
  auth: { secret: string; owner_id: string; machine_id: string; ts: number; message: string; signature_base58: string }[];
};

// ---- an independent derivation: node:crypto only, and a BigInt base58 ----
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function oracleBase58(bytes: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(bytes).toString('hex') || '0'}`);
  let s = '';
  while (n > 0n) {
    s = B58[Number(n % 58n)] + s;
    n /= 58n;
  }
  for (const b of bytes) {
    if (b !== 0) break;
    s = `1${s}`;
  }
  return s;
}
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');
const ed25519Key = (seed: Buffer) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
function oracleAddress(phrase: string): { seed: Buffer; key: Buffer; address: string } {
  const seed = pbkdf2Sync(Buffer.from(phrase.normalize('NFKD'), 'utf8'), Buffer.from('mnemonic', 'utf8'), 2048, 64, 'sha512');
  let I = createHmac('sha512', 'ed25519 seed').update(seed).digest();
  for (const i of [44, 501, 0, 0]) {
    const data = Buffer.alloc(37);
    I.copy(data, 1, 0, 32);
    data.writeUInt32BE(i + 0x8000_0000, 33);
    I = createHmac('sha512', I.subarray(32)).update(data).digest();
  }
  const key = I.subarray(0, 32);
  const jwk = createPublicKey(ed25519Key(key)).export({ format: 'jwk' });
  return { seed, key, address: oracleBase58(Buffer.from(jwk.x!, 'base64url')) };
}

describe('BIP39 English reference vectors (@scure/bip39)', () => {
  it.each(BIP39.vectors)('entropy $entropy ⇄ its mnemonic, and its TREZOR seed', ({ entropy, mnemonic, seed }) => {
    expect(entropyToMnemonic(hex.decode(entropy), wordlist)).toBe(mnemonic);
    expect(hex.encode(mnemonicToEntropy(mnemonic, wordlist))).toBe(entropy);
    expect(hex.encode(mnemonicToSeedSync(mnemonic, BIP39.passphrase))).toBe(seed);
  });
  it('the 24-word reference phrases are wallet phrases: phrase → secret is the entropy', () => {
    const long = BIP39.vectors.filter((v) => v.entropy.length === 64);
    expect(long.length).toBeGreaterThanOrEqual(6);
    for (const v of long) {
      expect(hex.encode(secretFromPhrase(v.mnemonic))).toBe(v.entropy);
      expect(phraseFromSecret(hex.decode(v.entropy))).toBe(v.mnemonic);
    }
  });
});

describe('SLIP-0010 ed25519 reference vectors', () => {
  for (const v of SLIP10.vectors) {
    it.each(v.chains)(`seed ${v.seed.slice(0, 8)}… path $path`, ({ path, chainCode, key }) => {
      const node = slip10Derive(hex.decode(v.seed), path);
      expect(hex.encode(node.key)).toBe(key);
      expect(hex.encode(node.chainCode)).toBe(chainCode);
    });
  }
  it('refuses a non-hardened segment and a path without m', () => {
    expect(() => slip10Derive(new Uint8Array(16), "m/44'/0")).toThrow(/not hardened/);
    expect(() => slip10Derive(new Uint8Array(16), "44'")).toThrow(/must start with m/);
  });
});

describe('wallet vectors (secret → phrase → seed → key → address)', () => {
  it.each(WALLET.wallets)('reproduces wallet $address byte for byte', (v) => {
    const w = walletFromSecret(hex.decode(v.secret));
    expect(phraseFromSecret(w.secret)).toBe(v.phrase);
    expect(hex.encode(mnemonicToSeedSync(v.phrase, ''))).toBe(v.seed);
    expect(hex.encode(walletSigningKey(w.secret))).toBe(v.private_key);
    expect(hex.encode(w.publicKey)).toBe(v.public_key);
    expect(w.address).toBe(v.address);
    expect(hex.encode(w.registryKey)).toBe(v.registry_key);
    expect(walletFromPhrase(v.phrase).address).toBe(v.address);
  });
  it.each(WALLET.wallets)('an independent node:crypto derivation of $address agrees', (v) => {
    const o = oracleAddress(v.phrase);
    expect(o.seed.toString('hex')).toBe(v.seed);
    expect(o.key.toString('hex')).toBe(v.private_key);
    expect(o.address).toBe(v.address);
  });
  it('agrees with the independent derivation for any secret (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        const w = walletFromSecret(secret);
        expect(oracleAddress(phraseFromSecret(secret)).address).toBe(w.address);
        expect(hex.encode(secretFromPhrase(phraseFromSecret(secret)))).toBe(hex.encode(secret));
      }),
      { numRuns: 25 },
    );
  });
  it('newWallet draws a fresh 32-byte secret each time', () => {
    const a = newWallet();
    const b = newWallet();
    expect(a.secret).toHaveLength(32);
    expect(a.address).not.toBe(b.address);
    expect(base58.decode(a.address)).toEqual(a.publicKey);
  });
});

describe('phrase checks', () => {
  const good = WALLET.wallets[0]!.phrase;
  it('reads a phrase with extra spaces, line breaks and capitals', () => {
    expect(walletFromPhrase(`  ${good.toUpperCase().split(' ').join('\n  ')} \n`).address).toBe(WALLET.wallets[0]!.address);
  });
  it('refuses 12 words with a clear message', () => {
    expect(() => walletFromPhrase(BIP39.vectors[0]!.mnemonic)).toThrow(new PhraseError('a recovery phrase has 24 words, this one has 12'));
  });
  it('refuses a word outside the wordlist, naming its position but never echoing it', () => {
    const words = good.split(' ');
    words[4] = 'mirandaa';
    expect(() => walletFromPhrase(words.join(' '))).toThrow(new PhraseError('word 5 is not in the BIP39 English wordlist'));
  });
  it('refuses a bad checksum', () => {
    const words = good.split(' ');
    [words[0], words[1]] = [words[1]!, words[0]!];
    expect(() => walletFromPhrase(words.join(' '))).toThrow(/bad checksum/);
  });
  it('refuses an empty phrase', () => {
    expect(() => walletFromPhrase('   ')).toThrow('a recovery phrase has 24 words, this one has 0');
  });
});

describe('wallet-signed registration (SPEC §3)', () => {
  it.each(WALLET.auth)('reproduces the signature for $machine_id at ts $ts, and node:crypto verifies it', (v) => {
    const w = walletFromSecret(hex.decode(v.secret));
    expect(signRegistration(w.sign, v.owner_id, v.machine_id, v.ts)).toBe(v.signature_base58);
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(w.publicKey).toString('base64url') }, format: 'jwk' });
    expect(nodeVerify(null, Buffer.from(v.message, 'utf8'), pub, Buffer.from(base58.decode(v.signature_base58)))).toBe(true);
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), v.signature_base58, v.ts)).toBe(true);
  });
  const v = WALLET.auth[0]!;
  it.each([
    ['@noble/curves', undefined],
    ['node:crypto (the relay)', nodeEd25519Verify],
  ])('refuses outside the ±120 s window, on another slot, another wallet, or a mangled ts, with %s', (_name, verify) => {
    const verifyRegistration = (o: string, m: string, t: string, s: string, now: number) => verifyWith(o, m, t, s, now, AUTH_WINDOW_SECONDS, verify);
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), v.signature_base58, v.ts + 120)).toBe(true);
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), v.signature_base58, v.ts + 121)).toBe(false);
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), v.signature_base58, v.ts - 121)).toBe(false);
    expect(verifyRegistration(v.owner_id, 'other', String(v.ts), v.signature_base58, v.ts)).toBe(false);
    expect(verifyRegistration(WALLET.wallets[1]!.address, v.machine_id, String(v.ts), v.signature_base58, v.ts)).toBe(false);
    expect(verifyRegistration(v.owner_id, v.machine_id, `0${v.ts}`, v.signature_base58, v.ts)).toBe(false);
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), 'not-base58!', v.ts)).toBe(false);
    const flipped = base58.decode(v.signature_base58);
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyRegistration(v.owner_id, v.machine_id, String(v.ts), base58.encode(flipped), v.ts)).toBe(false);
    expect(verifyRegistration('a'.repeat(64), v.machine_id, String(v.ts), v.signature_base58, v.ts)).toBe(false);
  });
});
