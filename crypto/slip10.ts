/**
 * SLIP-0010 key derivation for ed25519 (hardened children only, as the curve requires).
 * master = HMAC-SHA512(key = "ed25519 seed", data = seed);
 * child i = HMAC-SHA512(key = chain code, data = 0x00 ‖ key ‖ ser32(i + 2^31)).
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { assertBytes, utf8 } from './bytes.js';

const ED25519_SEED_KEY = 'ed25519 seed';
const HARDENED_OFFSET = 0x8000_0000;

export interface Slip10Node {
  /** 32-byte private key (the Ed25519 seed). */
  readonly key: Uint8Array;
  readonly chainCode: Uint8Array;
}

function split(i: Uint8Array): Slip10Node {
  return { key: i.slice(0, 32), chainCode: i.slice(32) };
}

export function slip10Master(seed: Uint8Array): Slip10Node {
  assertBytes('seed', seed);
  if (seed.length < 16 || seed.length > 64) throw new RangeError(`"seed" expected 16..64 bytes, got length=${seed.length}`);
  return split(hmac(sha512, utf8.encode(ED25519_SEED_KEY), seed));
}

/** Hardened child `index` (0-based, below 2^31; the offset is added here). */
export function slip10Child(parent: Slip10Node, index: number): Slip10Node {
  if (!Number.isInteger(index) || index < 0 || index >= HARDENED_OFFSET) {
    throw new RangeError(`"index" expected an integer in [0, 2^31), got ${index}`);
  }
  const data = new Uint8Array(37);
  data.set(parent.key, 1);
  new DataView(data.buffer).setUint32(33, index + HARDENED_OFFSET, false);
  return split(hmac(sha512, parent.chainCode, data));
}

/**
 * Derives a path such as `m/44'/501'/0'/0'`; every segment must be hardened.
 * @example slip10Derive(seed, "m/44'/501'/0'/0'").key
 */
export function slip10Derive(seed: Uint8Array, path: string): Slip10Node {
  const parts = path.split('/');
  if (parts[0] !== 'm') throw new RangeError(`"path" must start with m, got ${path}`);
  let node = slip10Master(seed);
  for (const part of parts.slice(1)) {
    const m = /^(\d+)'$/.exec(part);
    if (!m) throw new RangeError(`"path" segment ${part} is not hardened (ed25519 has no normal children)`);
    node = slip10Child(node, Number(m[1]));
  }
  return node;
}
