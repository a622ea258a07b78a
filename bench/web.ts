/**
 * The browser page's figures (issue #7): page weight as mir-relay serves it (raw and gzip, per
 * file and total), and the time from sign-in (phrase submit) to the list drawn with 50 devices, in
 * Debian's Chromium against a real relay holding 50 sealed records from 50 raw agent sockets.
 * Not a test: figures only. Run `npm run build` first (it bundles dist/web/).
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { hex } from '../crypto/bytes.js';
import { newHostKeypair, newMachineId } from '../crypto/host.js';
import { sealDevice } from '../crypto/registry.js';
import { newWallet, phraseFromSecret } from '../crypto/wallet.js';
import { silentLogger } from '../common/log.js';
import { startRelay } from '../relay/server.js';

const DEVICES = 50;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CHROMIUM = process.env.MIR_CHROMIUM ?? '/usr/bin/chromium';
const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

/** Body bytes of one GET, with or without gzip (what the relay sends, headers not counted). */
function bodyBytes(url: string, gzip: boolean): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: gzip ? { 'Accept-Encoding': 'gzip' } : {} }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const pad = (s: string | number, n: number): string => String(s).padStart(n);

async function main(): Promise<void> {
  if (!existsSync(join(webDir, 'index.html'))) throw new Error(`${webDir}/index.html is missing: run npm run build first`);
  const relay = await startRelay({ port: 0, webDir, log: silentLogger });
  const sockets: WebSocket[] = [];
  try {
    console.log(`web page weight, as mir-relay serves dist/web (body bytes; headers not counted)`);
    console.log(`  ${'file'.padEnd(12)} ${pad('raw B', 9)} ${pad('gzip B', 9)}`);
    let raw = 0;
    let gz = 0;
    for (const file of ['index.html', 'app.js', 'app.css']) {
      const path = file === 'index.html' ? '/' : `/${file}`;
      const a = await bodyBytes(relay.httpUrl + path, false);
      const b = await bodyBytes(relay.httpUrl + path, true);
      raw += a.bytes;
      gz += b.bytes;
      console.log(`  ${file.padEnd(12)} ${pad(a.bytes, 9)} ${pad(b.bytes, 9)}${b.encoding === 'gzip' ? '' : '  (sent uncompressed)'}`);
    }
    console.log(`  ${'total'.padEnd(12)} ${pad(raw, 9)} ${pad(gz, 9)}`);

    if (!existsSync(CHROMIUM)) {
      console.log(`sign-in → list: skipped, Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
      return;
    }

    // 50 raw agent sockets, each publishing a sealed record for its own machine_id.
    const wallet = newWallet();
    await Promise.all(
      Array.from({ length: DEVICES }, (_, i) => {
        const machineId = newMachineId();
        const record = { v: 1 as const, name: `bench-${String(i).padStart(2, '0')}`, host_pub: hex.encode(newHostKeypair().publicKey), signal_url: relay.url, ts: Math.floor(Date.now() / 1000) };
        const ws = new WebSocket(`${relay.url}/agent/signal?owner_id=${wallet.address}&machine_id=${machineId}`);
        sockets.push(ws);
        return new Promise<void>((resolve, reject) => {
          ws.on('error', reject);
          ws.on('open', () => {
            ws.send(JSON.stringify({ type: 'registry', registry: sealDevice(wallet.registryKey, record, machineId) }));
            resolve();
          });
        });
      }),
    );
    for (let i = 0; i < 100; i++) {
      const listed = (await (await fetch(`${relay.httpUrl}/registry?wallet=${wallet.address}`)).json()) as unknown[];
      if (listed.length === DEVICES) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const phrase = phraseFromSecret(wallet.secret);
    const times: number[] = [];
    const walletTimes: number[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        // A fresh context each run: empty storage, so every device is also announced (the worst case).
        const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
        const page = await context.newPage();
        await page.goto(`${relay.httpUrl}/`);
        await page.fill('#phrase', phrase);
        // Measured inside the page: submit event → 50 rows in the table → the next frame painted.
        await page.evaluate((n) => {
          const w = window as unknown as { benchDone: Promise<[number, number]> };
          w.benchDone = new Promise<[number, number]>((resolve) => {
            let t0 = 0;
            let signedIn = 0;
            document.getElementById('phrase-form')!.addEventListener('submit', () => (t0 = performance.now()), { capture: true });
            const address = document.getElementById('address')!;
            new MutationObserver((_, o) => {
              signedIn = performance.now() - t0;
              o.disconnect();
            }).observe(address, { childList: true, characterData: true, subtree: true });
            const rows = document.getElementById('device-rows')!;
            const obs = new MutationObserver(() => {
              if (rows.children.length < n) return;
              obs.disconnect();
              requestAnimationFrame(() => resolve([performance.now() - t0, signedIn]));
            });
            obs.observe(rows, { childList: true });
          });
        }, DEVICES);
        await page.click('#phrase-submit');
        const [total, wallet] = await Promise.race([
          page.evaluate(() => (window as unknown as { benchDone: Promise<[number, number]> }).benchDone),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the list did not reach ${DEVICES} rows within 30 s`)), 30_000).unref()),
        ]);
        times.push(total);
        walletTimes.push(wallet);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`sign-in (phrase submit) → ${DEVICES} devices drawn, Chromium headless, real relay, ${RUNS} fresh page loads`);
    console.log(`  runs      ${times.map((t) => `${t.toFixed(0)} ms`).join('  ')}`);
    console.log(`  median    ${median.toFixed(0)} ms   (min ${sorted[0]!.toFixed(0)} ms, max ${sorted[sorted.length - 1]!.toFixed(0)} ms)`);
    const wsorted = [...walletTimes].sort((a, b) => a - b);
    console.log(`  of which  ${wsorted[Math.floor(wsorted.length / 2)]!.toFixed(0)} ms median to the wallet (BIP39 PBKDF2-SHA512 ×2048 + SLIP-0010 + HKDF, in JS)`);
    console.log(`  the rest  watch socket + snapshot, ${DEVICES} AEAD opens, merge, ${DEVICES} notices, DOM, next frame`);
  } finally {
    for (const ws of sockets) ws.terminate();
    await relay.close();
  }
}

main().catch((err: unknown) => {
  console.error(`bench:web: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
