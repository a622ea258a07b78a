/**
 * Who may hold a slot (`owner_id|machine_id`), SPEC §3: trust on first use of the
 * `X-TR-Agent-Registration-Secret`, and wallet-signed registration that always wins and, once
 * seen, locks unsigned registrations out. One bounded LRU table, memory only (a restart forgets
 * it, which is why signatures exist). Secrets are kept as SHA-256 digests, compared with
 * `timingSafeEqual`, so the table never holds an agent's secret itself.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RelayErrorCode } from './errors.js';

interface SlotRecord {
  /** SHA-256 of the secret this slot first presented, if any. */
  digest: Buffer | undefined;
  /** A valid wallet signature registered this slot at least once. */
  signed: boolean;
}

export class SlotTable {
  private readonly slots = new Map<string, SlotRecord>();
  constructor(private readonly maxSlots: number) {}

  /**
   * Decides a registration and, when it is allowed, learns from it (binds a first secret,
   * remembers a signature). `signed` means the signature was present and valid.
   */
  admit(slot: string, secret: string | undefined, signed: boolean, requireWalletAuth: boolean): RelayErrorCode | null {
    const rec = this.slots.get(slot);
    const digest = secret === undefined ? undefined : createHash('sha256').update(secret, 'utf8').digest();
    if (signed) {
      // A valid signature wins over whatever trust on first use learned (SPEC §3 beyond).
      this.touch(slot, { digest: digest ?? rec?.digest, signed: true });
      return null;
    }
    if (requireWalletAuth || rec?.signed) return 'RELAY_ERR_AUTH_REQUIRED';
    if (rec?.digest) {
      if (!digest || !timingSafeEqual(rec.digest, digest)) return 'RELAY_ERR_SECRET_MISMATCH';
      this.touch(slot, rec);
      return null;
    }
    if (digest) this.touch(slot, { digest, signed: false });
    return null;
  }

  get size(): number {
    return this.slots.size;
  }

  // Map keeps insertion order: re-inserting marks most recent, the first key is the eldest.
  private touch(slot: string, rec: SlotRecord): void {
    this.slots.delete(slot);
    this.slots.set(slot, rec);
    if (this.slots.size > this.maxSlots) this.slots.delete(this.slots.keys().next().value!);
  }
}
