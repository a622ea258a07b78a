/**
 * The agent's side of the relay wire (SPEC §3): where it connects, the headers it registers
 * with, the frames it sends, and how it reads what the relay sends (only `ready` matters here;
 * attach/offer belong to the terminal data plane, out of scope, issue #4).
 */
import type { RawData } from 'ws';
import { AUTH_SIG_HEADER, AUTH_TS_HEADER, REGISTRATION_SECRET_HEADER, signRegistration } from '../crypto/auth.js';

/**
 * Largest frame the agent accepts from the relay, in bytes. The relay only ever sends tiny
 * control frames, so anything bigger is refused by ws (close 1009) before it is buffered.
 */
export const MAX_RELAY_FRAME_BYTES = 64 * 1024;

/** `<relay>/agent/signal?owner_id=…&machine_id=…`, keeping any path prefix of the relay URL. */
export function signalUrl(relayUrl: string, ownerId: string, machineId: string): string {
  const url = new URL(relayUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/agent/signal`;
  url.search = '';
  url.searchParams.set('owner_id', ownerId);
  url.searchParams.set('machine_id', machineId);
  return url.toString();
}

/**
 * The headers of every connect: the TOFU registration secret and the wallet signature over
 * the slot and a fresh timestamp (SPEC §3, wallet-signed registration).
 */
export function registrationHeaders(
  sign: (message: Uint8Array) => Uint8Array,
  ownerId: string,
  machineId: string,
  registrationSecret: string,
  nowSeconds: number,
): Record<string, string> {
  return {
    [REGISTRATION_SECRET_HEADER]: registrationSecret,
    [AUTH_TS_HEADER]: String(nowSeconds),
    [AUTH_SIG_HEADER]: signRegistration(sign, ownerId, machineId, nowSeconds),
  };
}

/** `{"type":"registry","registry":"<base64 blob>"}`. */
export function registryFrame(blob: string): string {
  return JSON.stringify({ type: 'registry', registry: blob });
}

/** `{"type":"bye"}`: a clean leave, the relay drops the entry with no grace (SPEC §3 beyond). */
export const BYE_FRAME = JSON.stringify({ type: 'bye' });

/** What a relay frame means to the agent: `ready`, or something to log and ignore. */
export type RelayFrame = { kind: 'ready' } | { kind: 'unhandled'; what: string };

/**
 * Classifies a frame without trusting it: binary, bad JSON, non-objects and unknown types are
 * all "unhandled"; a type name is echoed into logs only when it looks like a type name.
 */
export function classifyFrame(data: RawData, isBinary: boolean): RelayFrame {
  if (isBinary) return { kind: 'unhandled', what: 'binary' };
  let value: unknown;
  try {
    value = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  } catch {
    return { kind: 'unhandled', what: 'bad-json' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'unhandled', what: 'not-an-object' };
  const type = (value as { type?: unknown }).type;
  if (type === 'ready') return { kind: 'ready' };
  if (typeof type === 'string' && /^[A-Za-z0-9_.-]{1,32}$/.test(type)) return { kind: 'unhandled', what: `type:${type}` };
  return { kind: 'unhandled', what: 'unknown-type' };
}
