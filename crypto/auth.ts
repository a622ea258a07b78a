/**
 * Wallet-signed registration (SPEC §3, beyond): the agent signs
 * "miranda/auth/v1" ‖ "register\n" + owner_id + "\n" + machine_id + "\n" + ts
 * with the wallet's Ed25519 key; the relay verifies it against the owner_id itself, statelessly.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58, utf8 } from './bytes.js';

export const AUTH_DOMAIN = 'miranda/auth/v1';
export const AUTH_TS_HEADER = 'x-mir-auth-ts';
export const AUTH_SIG_HEADER = 'x-mir-auth-sig';
export const REGISTRATION_SECRET_HEADER = 'x-tr-agent-registration-secret';
/** Longest base58 text of a 32-byte key and of a 64-byte signature. */
const MAX_BASE58_KEY_CHARS = 44;
const MAX_BASE58_SIG_CHARS = 88;
/** Allowed clock difference between agent and relay, in seconds. */
export const AUTH_WINDOW_SECONDS = 120;

export function registrationMessage(ownerId: string, machineId: string, ts: number): Uint8Array {
  return utf8.encode(`${AUTH_DOMAIN}register\n${ownerId}\n${machineId}\n${ts}`);
}

/** base58 Ed25519 signature over the registration message. */
export function signRegistration(
  sign: (message: Uint8Array) => Uint8Array,
  ownerId: string,
  machineId: string,
  ts: number,
): string {
  return base58.encode(sign(registrationMessage(ownerId, machineId, ts)));
}

/** Ed25519 verification: (signature, message, public key) → valid. */
export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

const nobleVerify: Ed25519Verify = (sig, msg, pub) => ed25519.verify(sig, msg, pub);

/**
 * True when `sigBase58` is the owner's signature for this slot and `tsText` is within the
 * window of `nowSeconds`. Never throws: any malformed input is simply not valid. `verify` defaults
 * to @noble/curves (browser-safe); the relay passes node:crypto's (crypto/ed25519-node.ts).
 */
export function verifyRegistration(
  ownerId: string,
  machineId: string,
  tsText: string,
  sigBase58: string,
  nowSeconds: number,
  windowSeconds = AUTH_WINDOW_SECONDS,
  verify: Ed25519Verify = nobleVerify,
): boolean {
  // No leading zeros: the signed text and the parsed number must be the same digits.
  if (!/^(0|[1-9]\d{0,11})$/.test(tsText)) return false;
  const ts = Number(tsText);
  if (Math.abs(nowSeconds - ts) > windowSeconds) return false;
  // base58 decoding is quadratic: refuse what cannot be a key or a signature before decoding it,
  // or a stranger's 4 KB header costs the relay 20 ms a request.
  if (ownerId.length > MAX_BASE58_KEY_CHARS || sigBase58.length > MAX_BASE58_SIG_CHARS) return false;
  try {
    const publicKey = base58.decode(ownerId);
    const sig = base58.decode(sigBase58);
    if (publicKey.length !== 32 || sig.length !== 64) return false;
    return verify(sig, registrationMessage(ownerId, machineId, ts), publicKey);
  } catch {
    return false;
  }
}
