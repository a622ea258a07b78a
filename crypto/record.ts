/**
 * The device record codec (SPEC §2): the plaintext an agent seals. Encoding builds the exact key
 * order `v, name, host_pub, signal_url, ts` with no whitespace, so two implementations seal the
 * same bytes; decoding validates every field and yields null for anything off-schema.
 */
import { utf8 } from './bytes.js';

export const RECORD_VERSION = 1;
/** A display name is at most this many characters (code points). */
export const MAX_NAME_CHARS = 64;

export interface DeviceRecord {
  readonly v: 1;
  readonly name: string;
  /** 64 lowercase hex: the host's X25519 public key. */
  readonly host_pub: string;
  /** The relay URL the agent registered with. */
  readonly signal_url: string;
  /** Integer unix seconds at sealing. */
  readonly ts: number;
}

// C0 controls, DEL and C1 controls: a name is shown in terminals and must not steer them.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HOST_PUB = /^[0-9a-f]{64}$/;

/** Why a name is not acceptable, or null when it is. Shared by the codec and the CLI flags. */
export function nameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0) return 'a name must not be empty';
  if ([...name].length > MAX_NAME_CHARS) return `a name must be at most ${MAX_NAME_CHARS} characters`;
  if (CONTROL.test(name)) return 'a name must not hold control characters';
  return null;
}

/** True when `r` satisfies the SPEC §2 record schema. */
export function isDeviceRecord(r: unknown): r is DeviceRecord {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return false;
  const o = r as Record<string, unknown>;
  return (
    o.v === RECORD_VERSION &&
    nameProblem(o.name) === null &&
    typeof o.host_pub === 'string' &&
    HOST_PUB.test(o.host_pub) &&
    typeof o.signal_url === 'string' &&
    typeof o.ts === 'number' &&
    Number.isSafeInteger(o.ts)
  );
}

/**
 * Exact plaintext bytes of a record.
 * @example encodeRecord({ v: 1, name: 'mini', host_pub: 'ab…', signal_url: 'ws://…', ts: 1 })
 */
export function encodeRecord(r: DeviceRecord): Uint8Array {
  if (!isDeviceRecord(r)) throw new TypeError('"record" does not satisfy the record schema (SPEC §2)');
  // Built by hand, not JSON.stringify(r), so the key order never depends on how r was made.
  const json =
    `{"v":${RECORD_VERSION},"name":${JSON.stringify(r.name)},"host_pub":${JSON.stringify(r.host_pub)},` +
    `"signal_url":${JSON.stringify(r.signal_url)},"ts":${r.ts}}`;
  return utf8.encode(json);
}

/** Parses and validates plaintext; null for invalid UTF-8, bad JSON or an off-schema record. */
export function decodeRecord(plaintext: Uint8Array): DeviceRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(plaintext));
  } catch {
    return null;
  }
  if (!isDeviceRecord(parsed)) return null;
  // Unknown extra keys are tolerated (a newer writer) but not carried along.
  const { name, host_pub, signal_url, ts } = parsed;
  return { v: RECORD_VERSION, name, host_pub, signal_url, ts };
}
