// The project's registry vectors, reproduced byte for byte by our crypto and checked against an
// independent oracle: node:crypto's HKDF and chacha20-poly1305 (OpenSSL), SPEC §2.
import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { base64, hex } from '../../crypto/bytes.js';
import { decodeRecord, encodeRecord, type DeviceRecord } from '../../crypto/record.js';
import { MIN_BLOB_LENGTH, OpenError, openDevice, openRecord, registryKey, sealDevice, sealRecord } from '../../crypto/registry.js';

interface RegistryVectors {
  keys: { secret: string; key: string }[];
  seal: { secret: string; key: string; nonce: string; machine_id: string; plaintext: string; blob: string; blob_base64: string }[];
  open_fails: { why: string; key: string; machine_id: string; blob: string }[];
  records: { record: DeviceRecord; plaintext: string }[];
}
const V = JSON.parse(readFileSync(new URL('../../vectors/registry.json', import.meta.url), 'utf8')) as RegistryVectors;

const oracleKey = (secret: string) => Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'hex'), 'miranda/registry/v1', 'aead-key', 32));
function oracleSeal(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: string): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  c.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: plaintext.length });
  return Buffer.concat([nonce, c.update(plaintext), c.final(), c.getAuthTag()]);
}
function oracleOpen(key: Buffer, blob: Buffer, aad: string): Buffer | null {
  if (blob.length < 28) return null;
  try {
    const d = createDecipheriv('chacha20-poly1305', key, blob.subarray(0, 12), { authTagLength: 16 });
    d.setAAD(Buffer.from(aad, 'utf8'), { plaintextLength: blob.length - 28 });
    d.setAuthTag(blob.subarray(blob.length - 16));
    return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]);
  } catch {
    return null;
  }
}

describe('registry key (HKDF-SHA256, RFC 5869)', () => {
  it.each(V.keys)('derives K_reg of secret $secret like the vector and like node:crypto', ({ secret, key }) => {
    expect(hex.encode(registryKey(hex.decode(secret)))).toBe(key);
    expect(oracleKey(secret).toString('hex')).toBe(key);
  });
  it('refuses a secret that is not 32 bytes', () => {
    expect(() => registryKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => registryKey('00' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('seal and open (ChaCha20-Poly1305, RFC 8439, AAD = machine_id)', () => {
  it.each(V.seal)('seals $machine_id to the vector byte for byte, and node:crypto makes the same blob', (v) => {
    const blob = sealRecord(hex.decode(v.key), hex.decode(v.nonce), hex.decode(v.plaintext), v.machine_id);
    expect(hex.encode(blob)).toBe(v.blob);
    expect(base64.encode(blob)).toBe(v.blob_base64);
    expect(oracleSeal(Buffer.from(v.key, 'hex'), Buffer.from(v.nonce, 'hex'), Buffer.from(v.plaintext, 'hex'), v.machine_id).toString('hex')).toBe(v.blob);
  });
  it.each(V.seal)('opens the vector of $machine_id with our code and with node:crypto', (v) => {
    expect(hex.encode(openRecord(hex.decode(v.key), hex.decode(v.blob), v.machine_id))).toBe(v.plaintext);
    expect(oracleOpen(Buffer.from(v.key, 'hex'), Buffer.from(v.blob, 'hex'), v.machine_id)?.toString('hex')).toBe(v.plaintext);
    expect(openDevice(hex.decode(v.key), v.blob_base64, v.machine_id)).not.toBeNull();
  });
  it.each(V.open_fails)('yields no record: $why (and node:crypto agrees where the AEAD is at fault)', (v) => {
    expect(openDevice(hex.decode(v.key), base64.encode(hex.decode(v.blob)), v.machine_id)).toBeNull();
    if (!v.why.startsWith('opens,')) {
      expect(() => openRecord(hex.decode(v.key), hex.decode(v.blob), v.machine_id)).toThrow(OpenError);
      expect(oracleOpen(Buffer.from(v.key, 'hex'), Buffer.from(v.blob, 'hex'), v.machine_id)).toBeNull();
    } else {
      expect(oracleOpen(Buffer.from(v.key, 'hex'), Buffer.from(v.blob, 'hex'), v.machine_id)).not.toBeNull();
    }
  });
  it('opens a blob node:crypto sealed under a fresh nonce (interop the other way)', () => {
    const v = V.seal[1]!;
    const nonce = Buffer.from('0102030405060708090a0b0c', 'hex');
    const blob = oracleSeal(Buffer.from(v.key, 'hex'), nonce, Buffer.from(v.plaintext, 'hex'), v.machine_id);
    expect(hex.encode(openRecord(hex.decode(v.key), blob, v.machine_id))).toBe(v.plaintext);
  });
  it('refuses bad base64 and a blob one byte short of nonce + tag without throwing', () => {
    const key = hex.decode(V.seal[0]!.key);
    expect(openDevice(key, '!!not base64!!', 'm')).toBeNull();
    expect(openDevice(key, base64.encode(new Uint8Array(MIN_BLOB_LENGTH - 1)), 'm')).toBeNull();
    expect(openDevice(key, base64.encode(new Uint8Array(MIN_BLOB_LENGTH)), 'm')).toBeNull();
  });
  it('draws a fresh nonce for every seal, so two seals of one record differ and both open', () => {
    const v = V.records[0]!;
    const key = registryKey(hex.decode(V.keys[0]!.secret));
    const a = sealDevice(key, v.record, 'm1');
    const b = sealDevice(key, v.record, 'm1');
    expect(a).not.toBe(b);
    expect(base64.decode(a).subarray(0, 12)).not.toEqual(base64.decode(b).subarray(0, 12));
    expect(openDevice(key, a, 'm1')).toEqual(v.record);
    expect(openDevice(key, b, 'm1')).toEqual(v.record);
    expect(openDevice(key, a, 'm2')).toBeNull();
  });
  it('checks key and nonce lengths on entry with one message shape', () => {
    expect(() => sealRecord(new Uint8Array(32), new Uint8Array(8), new Uint8Array(1), 'm')).toThrow('"nonce" expected Uint8Array of length 12, got length=8');
    expect(() => sealRecord(new Uint8Array(16), new Uint8Array(12), new Uint8Array(1), 'm')).toThrow(RangeError);
  });
});

describe('record codec (SPEC §2 exact key order)', () => {
  it.each(V.records)('encodes $record.name to the exact plaintext and decodes it back', ({ record, plaintext }) => {
    expect(new TextDecoder().decode(encodeRecord(record))).toBe(plaintext);
    expect(decodeRecord(new TextEncoder().encode(plaintext))).toEqual(record);
  });
  it('builds keys in SPEC order whatever order the object was made in', () => {
    const r = { ts: 5, signal_url: 'ws://x', host_pub: 'a'.repeat(64), name: 'n', v: 1 } as const;
    expect(new TextDecoder().decode(encodeRecord(r))).toBe(`{"v":1,"name":"n","host_pub":"${'a'.repeat(64)}","signal_url":"ws://x","ts":5}`);
  });
  it('tolerates an unknown extra key from a newer writer but does not carry it', () => {
    const text = `{"v":1,"name":"n","host_pub":"${'b'.repeat(64)}","signal_url":"","ts":1,"extra":true}`;
    expect(decodeRecord(new TextEncoder().encode(text))).toEqual({ v: 1, name: 'n', host_pub: 'b'.repeat(64), signal_url: '', ts: 1 });
  });
  it.each([
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d])],
    ['a missing key', new TextEncoder().encode(`{"v":1,"name":"n","host_pub":"${'b'.repeat(64)}","ts":1}`)],
    ['uppercase hex host_pub', new TextEncoder().encode(`{"v":1,"name":"n","host_pub":"${'B'.repeat(64)}","signal_url":"","ts":1}`)],
    ['a string ts', new TextEncoder().encode(`{"v":1,"name":"n","host_pub":"${'b'.repeat(64)}","signal_url":"","ts":"1"}`)],
    ['a name with DEL', new TextEncoder().encode(`{"v":1,"name":"a\\u007f","host_pub":"${'b'.repeat(64)}","signal_url":"","ts":1}`)],
  ])('decodes nothing from %s', (_why, bytes) => {
    expect(decodeRecord(bytes)).toBeNull();
  });
  it('refuses to encode an off-schema record', () => {
    expect(() => encodeRecord({ v: 1, name: '', host_pub: 'a'.repeat(64), signal_url: '', ts: 1 })).toThrow(TypeError);
  });
  it('counts a 64-character name in code points, so emoji names up to 64 fit', () => {
    const name = '🚀'.repeat(64);
    const r = { v: 1, name, host_pub: 'c'.repeat(64), signal_url: '', ts: 1 } as const;
    expect(decodeRecord(encodeRecord(r))).toEqual(r);
  });
});
