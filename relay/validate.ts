/**
 * Input checks at the relay's edge (SPEC §3): ids before the upgrade, blobs on arrival. The blob
 * check is size and base64 alphabet only — the relay is blind and never decodes a blob.
 */
import { base58 } from '../crypto/bytes.js';

const B58_WALLET = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const HEX_WALLET = /^[0-9a-fA-F]{64}$/;
const MACHINE_ID = /^[A-Za-z0-9_-]{1,64}$/;
// Standard alphabet with padding (SPEC §2: "standard base64 with padding").
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A wallet address / owner_id: base58 of 32 bytes (32–44 chars), or 64 hex (the older form). */
export function isWallet(s: string | null | undefined): s is string {
  if (typeof s !== 'string') return false;
  if (HEX_WALLET.test(s)) return true;
  if (!B58_WALLET.test(s)) return false;
  try {
    return base58.decode(s).length === 32;
  } catch {
    return false;
  }
}

/** A machine_id: 1–64 chars of [A-Za-z0-9_-]. */
export function isMachineId(s: string | null | undefined): s is string {
  return typeof s === 'string' && MACHINE_ID.test(s);
}

/** Padded standard base64, checked by alphabet and shape only (never decoded). */
export function isBase64(s: string): boolean {
  return BASE64.test(s);
}

/**
 * Splits a request URL into its path and a one-value-per-name query, or null when a name repeats
 * or the percent-encoding is broken (400 rather than guessing which value was meant).
 */
export function parseTarget(url: string): { path: string; query: Map<string, string> } | null {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = new Map<string, string>();
  if (q !== -1) {
    for (const part of url.slice(q + 1).split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      let name = eq === -1 ? part : part.slice(0, eq);
      let value = eq === -1 ? '' : part.slice(eq + 1);
      // Fast path: ids and wallets never need decoding (listing is the hot request).
      if (/[%+]/.test(part)) {
        try {
          name = decodeURIComponent(name.replace(/\+/g, ' '));
          value = decodeURIComponent(value.replace(/\+/g, ' '));
        } catch {
          return null;
        }
      }
      if (query.has(name)) return null;
      query.set(name, value);
    }
  }
  return { path, query };
}
