/**
 * Seal and open of a 200-byte record per second (issue #2): our @noble/ciphers path beside
 * node:crypto (OpenSSL) doing the same AEAD on the same run, as a ratio. Not a test: figures only.
 */
import { createCipheriv, createDecipheriv, randomBytes as nodeRandom } from 'node:crypto';
import { randomBytes } from '../crypto/bytes.js';
import { NONCE_LENGTH, openRecord, registryKey, sealRecord } from '../crypto/registry.js';

const RECORD_BYTES = 200;
const MACHINE_ID = '0123456789abcdef';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1.5);

function rate(label: string, fn: () => void): number {
  for (let i = 0; i < 2_000; i++) fn(); // warm up the JIT
  let n = 0;
  const t0 = process.hrtime.bigint();
  const until = t0 + BigInt(Math.round(SECONDS * 1e9));
  let now = t0;
  while (now < until) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    now = process.hrtime.bigint();
  }
  const perSec = n / (Number(now - t0) / 1e9);
  console.log(`  ${label.padEnd(34)} ${Math.round(perSec).toLocaleString('en-US').padStart(10)} ops/s  ${(1e6 / perSec).toFixed(2).padStart(7)} µs/op`);
  return perSec;
}

const key = registryKey(randomBytes(32));
const nodeKey = Buffer.from(key);
const plaintext = randomBytes(RECORD_BYTES);
const aad = Buffer.from(MACHINE_ID, 'utf8');
const blob = sealRecord(key, randomBytes(NONCE_LENGTH), plaintext, MACHINE_ID);

function nodeSeal(): Buffer {
  const nonce = nodeRandom(12);
  const c = createCipheriv('chacha20-poly1305', nodeKey, nonce, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: RECORD_BYTES });
  return Buffer.concat([nonce, c.update(plaintext), c.final(), c.getAuthTag()]);
}
const nodeBlob = nodeSeal();
function nodeOpen(): Buffer {
  const d = createDecipheriv('chacha20-poly1305', nodeKey, nodeBlob.subarray(0, 12), { authTagLength: 16 });
  d.setAAD(aad, { plaintextLength: RECORD_BYTES });
  d.setAuthTag(nodeBlob.subarray(nodeBlob.length - 16));
  return Buffer.concat([d.update(nodeBlob.subarray(12, nodeBlob.length - 16)), d.final()]);
}

console.log(`ChaCha20-Poly1305, ${RECORD_BYTES}-byte record, AAD = 16-char machine_id, fresh nonce per seal (node ${process.version}, ${SECONDS}s each)`);
const ourSeal = rate('seal  @noble/ciphers', () => sealRecord(key, randomBytes(NONCE_LENGTH), plaintext, MACHINE_ID));
const osSeal = rate('seal  node:crypto (OpenSSL)', nodeSeal);
const ourOpen = rate('open  @noble/ciphers', () => openRecord(key, blob, MACHINE_ID));
const osOpen = rate('open  node:crypto (OpenSSL)', nodeOpen);
console.log(`  ratio noble / node:crypto          seal ${(ourSeal / osSeal).toFixed(2)}×   open ${(ourOpen / osOpen).toFixed(2)}×`);
console.log(`  a wallet of 256 devices opens in   ${((256 / ourOpen) * 1000).toFixed(2)} ms with @noble/ciphers`);
