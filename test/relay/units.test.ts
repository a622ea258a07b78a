// The relay's small pure parts (issue #3): id and blob checks, query parsing, the rate limiter
// and the slot table, at their boundaries.
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { base58 } from '../../crypto/bytes.js';
import { RateLimiter } from '../../relay/rate.js';
import { SlotTable } from '../../relay/slots.js';
import { isBase64, isMachineId, isWallet, parseTarget } from '../../relay/validate.js';

describe('relay input checks', () => {
  it('accepts base58 of exactly 32 bytes or 64 hex as a wallet, nothing else', () => {
    expect(isWallet(base58.encode(randomBytes(32)))).toBe(true);
    expect(isWallet(base58.encode(new Uint8Array(32)))).toBe(true); // 32 × '1'
    expect(isWallet('ab'.repeat(32))).toBe(true);
    expect(isWallet(base58.encode(randomBytes(31)))).toBe(false);
    expect(isWallet(base58.encode(randomBytes(33)))).toBe(false);
    expect(isWallet('ab'.repeat(31))).toBe(false);
    expect(isWallet('0'.repeat(40))).toBe(false); // '0' is not in the base58 alphabet
    expect(isWallet(undefined)).toBe(false);
  });

  it('accepts machine_ids of 1–64 chars of [A-Za-z0-9_-]', () => {
    expect(isMachineId('a')).toBe(true);
    expect(isMachineId('A-z_09'.padEnd(64, 'x'))).toBe(true);
    expect(isMachineId('x'.repeat(65))).toBe(false);
    expect(isMachineId('')).toBe(false);
    expect(isMachineId('a b')).toBe(false);
    expect(isMachineId('é')).toBe(false);
  });

  it('checks blobs as padded standard base64 by shape only', () => {
    for (let n = 0; n < 6; n++) expect(isBase64(randomBytes(n).toString('base64'))).toBe(true);
    expect(isBase64('QUJD')).toBe(true);
    expect(isBase64('QUI=')).toBe(true);
    expect(isBase64('QUI')).toBe(false); // unpadded
    expect(isBase64('QU-_')).toBe(false); // url-safe alphabet
    expect(isBase64('QUJD\n')).toBe(false);
    expect(isBase64('Q===')).toBe(false);
  });

  it('parses a query with one value per name, refusing repeats and broken escapes', () => {
    expect(parseTarget('/registry?wallet=abc&x=%20y+z')).toEqual({ path: '/registry', query: new Map([['wallet', 'abc'], ['x', ' y z']]) });
    expect(parseTarget('/healthz')).toEqual({ path: '/healthz', query: new Map() });
    expect(parseTarget('/r?a=1&a=2')).toBeNull();
    expect(parseTarget('/r?a=%E0%A4%A')).toBeNull();
  });
});

describe('RateLimiter', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    const rl = new RateLimiter(2, 3, 100);
    expect([0, 0, 0, 0].map(() => rl.take('a', 0))).toEqual([true, true, true, false]);
    expect(rl.take('b', 0)).toBe(true); // another address has its own bucket
    expect(rl.take('a', 499)).toBe(false);
    expect(rl.take('a', 500)).toBe(true);
  });

  it('tracks at most maxTracked addresses, forgetting the least recently seen', () => {
    const rl = new RateLimiter(1, 1, 2);
    rl.take('a', 0);
    rl.take('b', 0);
    rl.take('c', 0); // evicts a
    expect(rl.take('a', 0)).toBe(true); // a fresh bucket again
    expect(rl.take('c', 0)).toBe(false);
  });
});

describe('SlotTable', () => {
  it('binds on first secret, refuses another, and lets a signature take over and lock the slot', () => {
    const t = new SlotTable(10);
    expect(t.admit('w|m', undefined, false, false)).toBeNull(); // no secret: nothing learned
    expect(t.admit('w|m', 's1', false, false)).toBeNull();
    expect(t.admit('w|m', 's2', false, false)).toBe('RELAY_ERR_SECRET_MISMATCH');
    expect(t.admit('w|m', undefined, false, false)).toBe('RELAY_ERR_SECRET_MISMATCH');
    expect(t.admit('w|m', 's2', true, false)).toBeNull();
    expect(t.admit('w|m', 's2', false, false)).toBe('RELAY_ERR_AUTH_REQUIRED');
    expect(t.admit('x|m', undefined, false, true)).toBe('RELAY_ERR_AUTH_REQUIRED');
    expect(t.size).toBe(1);
  });
});
