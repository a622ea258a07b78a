/**
 * Ed25519 verification with node:crypto (OpenSSL) for the relay's hot path. Every signed
 * registration costs one verify; OpenSSL does it about 13× faster than pure JavaScript on this
 * kind of machine (0.24 ms against 3.2 ms), which bounds the CPU a burst of reconnecting agents —
 * or a stranger sending signed-looking registrations — can take. Node only; the browser and the
 * agent keep @noble/curves.
 */
import { createPublicKey, verify } from 'node:crypto';
import type { Ed25519Verify } from './auth.js';

/** RFC 8410 SubjectPublicKeyInfo prefix for a raw 32-byte Ed25519 key. */
const SPKI_ED25519_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export const nodeEd25519Verify: Ed25519Verify = (signature, message, publicKey) => {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32);
    der.set(SPKI_ED25519_PREFIX);
    der.set(publicKey, SPKI_ED25519_PREFIX.length);
    return verify(null, message, createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }), signature);
  } catch {
    return false;
  }
};
