/**
 * The page against a reference-style relay (issue #7, SPEC §3): one with only `GET /registry`
 * and no `WS /registry/watch`. The browser's failed upgrade must fall back to polling, and the
 * list still shows — the page works with the reference system, not only with ours.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex } from '../../crypto/bytes.js';
import { newHostKeypair } from '../../crypto/host.js';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet, phraseFromSecret } from '../../crypto/wallet.js';
import { loadSite, serveStatic } from '../../relay/static.js';
import { buildPage, hasChromium, launchChromium, SCREENSHOTS } from './harness.js';

describe.skipIf(!hasChromium)('the page against a relay without the watch endpoint', () => {
  const wallet = newWallet();
  let webDir = '';
  let server: Server;
  let browser: Browser;
  let base = '';
  const upgrades: string[] = [];
  const entries: { machine_id: string; blob: string }[] = [];

  beforeAll(async () => {
    webDir = await buildPage();
    const site = loadSite(webDir);
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/registry') {
        const body = url.searchParams.get('wallet') === wallet.address ? JSON.stringify(entries) : '[]';
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
      } else if (!serveStatic(site, url.pathname, req, res)) {
        res.writeHead(404).end();
      }
    });
    // The reference relay has no watch socket: refuse every upgrade the way an unknown path is.
    server.on('upgrade', (req, socket) => {
      upgrades.push(req.url ?? '');
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const [id, name] of [['1111111111111111', 'desk'], ['2222222222222222', 'laptop']] as const) {
      const record = { v: 1 as const, name, host_pub: hex.encode(newHostKeypair().publicKey), signal_url: base.replace('http', 'ws'), ts: 1_800_000_000 };
      entries.push({ machine_id: id, blob: sealDevice(wallet.registryKey, record, id) });
    }
    // A blob moved to another machine_id: the AAD makes it fail to open; it must not be listed.
    entries.push({ machine_id: '3333333333333333', blob: entries[0]!.blob });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await rm(webDir, { recursive: true, force: true });
  });

  it('falls back to polling GET /registry and lists the machines', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    // Served from 127.0.0.1: WebAuthn cannot use an IP as its rpId, so the page points at localhost.
    expect(await page.getByRole('button', { name: 'Sign in with a passkey' }).isDisabled()).toBe(true);
    expect(await page.locator('#passkey-blocked-link').getAttribute('href')).toBe(`${base.replace('127.0.0.1', 'localhost')}/`);
    await page.getByLabel('Use my recovery phrase').fill(phraseFromSecret(wallet.secret));
    await page.getByRole('button', { name: 'Sign in with phrase' }).click();
    await expect.poll(() => page.locator('#device-rows td.name').allTextContents(), { timeout: 15_000 }).toEqual(['desk new', 'laptop new']);
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 15_000 }).toMatch(/^Checking every \d+ s/);
    expect(upgrades.some((u) => u.startsWith('/registry/watch?wallet='))).toBe(true);
    expect(await page.locator('#unreachable').isVisible()).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, 'polling.png'), fullPage: true });
  }, 30_000);
});
