/** Per-device identity (SPEC §2): the host X25519 keypair and the stable machine_id. */
import { x25519 } from '@noble/curves/ed25519.js';
import { hex, randomBytes } from './bytes.js';

export const MACHINE_ID_BYTES = 8;

export interface HostKeypair {
  /** 32-byte X25519 private key. Never log it. */
  readonly privateKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function newHostKeypair(): HostKeypair {
  const privateKey = x25519.utils.randomSecretKey();
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

export function hostKeypairFromPrivate(privateKey: Uint8Array): HostKeypair {
  return { privateKey, publicKey: x25519.getPublicKey(privateKey) };
}

/** 8 CSPRNG bytes as 16 lowercase hex chars. */
export function newMachineId(): string {
  return hex.encode(randomBytes(MACHINE_ID_BYTES));
}

/** A short fingerprint of a host key for people: the first 8 bytes of its hex, grouped. */
export function hostFingerprint(hostPubHex: string): string {
  return hostPubHex.slice(0, 16).replace(/(.{4})(?=.)/g, '$1:');
}
