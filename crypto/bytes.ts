/**
 * Byte checks and encodings at the crypto edge. Bytes in, bytes out; hex, base64 and UTF-8
 * conversions live here so every module checks lengths with one message shape.
 */
import { base64, base58, hex } from '@scure/base';
import { concatBytes, equalBytes, randomBytes } from '@noble/ciphers/utils.js';

export { base64, base58, hex, concatBytes, equalBytes, randomBytes };

/**
 * Throws `TypeError` for a non-Uint8Array and `RangeError` for a wrong length, with one shape:
 * `"nonce" expected Uint8Array of length 12, got length=8`.
 */
export function assertBytes(name: string, value: unknown, ...lengths: number[]): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got type=${typeof value}`);
  }
  if (lengths.length > 0 && !lengths.includes(value.length)) {
    throw new RangeError(`"${name}" expected Uint8Array of length ${lengths.join(' or ')}, got length=${value.length}`);
  }
  return value;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export const utf8 = {
  encode: (s: string): Uint8Array => encoder.encode(s),
  /** Throws on invalid UTF-8 instead of inserting U+FFFD. */
  decode: (b: Uint8Array): string => strictDecoder.decode(b),
};

/** Lowercase hex of exactly `bytes` bytes, or null. */
export function parseHex(s: unknown, bytes: number): Uint8Array | null {
  if (typeof s !== 'string' || s.length !== bytes * 2 || !/^[0-9a-f]*$/.test(s)) return null;
  return hex.decode(s);
}
