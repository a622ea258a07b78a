/**
 * The registry AEAD (SPEC §2). `K_reg` = HKDF-SHA256 (RFC 5869) of the wallet secret; a blob is
 * nonce(12) ‖ ChaCha20-Poly1305 (RFC 8439) ciphertext ‖ tag(16), with AAD = the machine_id, so a
 * relay can neither read a record, forge one, nor move one to another machine_id.
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, base64, concatBytes, randomBytes, utf8 } from './bytes.js';
import { decodeRecord, encodeRecord, type DeviceRecord } from './record.js';

export const WALLET_SECRET_LENGTH = 32;
export const REGISTRY_KEY_LENGTH = 32;
export const REGISTRY_SALT = 'miranda/registry/v1';
export const REGISTRY_INFO = 'aead-key';
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
/** The shortest blob that can open: a nonce and a tag around an empty ciphertext. */
export const MIN_BLOB_LENGTH = NONCE_LENGTH + TAG_LENGTH;

/** The one error every failed open becomes: no detail, never partial plaintext. */
export class OpenError extends Error {
  override readonly name = 'OpenError';
  constructor() {
    super('registry blob does not open');
  }
}

/**
 * K_reg = HKDF-SHA256(ikm = secret, salt = "miranda/registry/v1", info = "aead-key", L = 32).
 * @example const key = registryKey(wallet.secret);
 */
export function registryKey(secret: Uint8Array): Uint8Array {
  assertBytes('secret', secret, WALLET_SECRET_LENGTH);
  return hkdf(sha256, secret, utf8.encode(REGISTRY_SALT), utf8.encode(REGISTRY_INFO), REGISTRY_KEY_LENGTH);
}

/**
 * Seals plaintext into a blob: nonce ‖ ciphertext ‖ tag, AAD = UTF-8 machine_id.
 * The nonce must be fresh for every seal; `sealDevice` draws one.
 */
export function sealRecord(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, machineId: string): Uint8Array {
  assertBytes('key', key, REGISTRY_KEY_LENGTH);
  assertBytes('nonce', nonce, NONCE_LENGTH);
  assertBytes('plaintext', plaintext);
  const sealed = chacha20poly1305(key, nonce, utf8.encode(machineId)).encrypt(plaintext);
  return concatBytes(nonce, sealed);
}

/** Opens a blob sealed for `machineId`; throws OpenError on any failure. */
export function openRecord(key: Uint8Array, blob: Uint8Array, machineId: string): Uint8Array {
  assertBytes('key', key, REGISTRY_KEY_LENGTH);
  assertBytes('blob', blob);
  if (blob.length < MIN_BLOB_LENGTH) throw new OpenError();
  try {
    return chacha20poly1305(key, blob.subarray(0, NONCE_LENGTH), utf8.encode(machineId)).decrypt(
      blob.subarray(NONCE_LENGTH),
    );
  } catch {
    throw new OpenError();
  }
}

/** Seals a device record with a fresh CSPRNG nonce, as wire base64 (with padding). */
export function sealDevice(key: Uint8Array, record: DeviceRecord, machineId: string): string {
  return base64.encode(sealRecord(key, randomBytes(NONCE_LENGTH), encodeRecord(record), machineId));
}

/**
 * Opens a wire blob (base64) into a validated record, or null: bad base64, too short, tag
 * mismatch, wrong machine_id, not JSON, off-schema — all the same "no record" (SPEC §2).
 */
export function openDevice(key: Uint8Array, blobBase64: string, machineId: string): DeviceRecord | null {
  let blob: Uint8Array;
  try {
    blob = base64.decode(blobBase64);
  } catch {
    return null;
  }
  try {
    return decodeRecord(openRecord(key, blob, machineId));
  } catch {
    return null;
  }
}
