/**
 * The page end to end (issue #7) in Debian's Chromium, headless, against a real relay with real
 * mir-agent processes on loopback. Screenshots land in test-results/web/ for people to look at.
 */
import { type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newHostKeypair } from '../../crypto/host.js';
import { base64, hex } from '../../crypto/bytes.js';
import { sealDevice } from '../../crypto/registry.js';
import { newWallet, phraseFromSecret, walletFromPhrase } from '../../crypto/wallet.js';
import { silentLogger } from '../../common/log.js';
import { startRelay } from '../../relay/server.js';
import { agentHome, bin, buildPage, CHROMIUM, hasChromium, inCI, launchChromium, SCREENSHOTS, startAgent, stopProcess } from './harness.js';

const WAIT = 15_000;

describe('the browser test environment', () => {
  it.skipIf(!inCI && !hasChromium)('has Chromium at the system path (CI installs it)', () => {
    expect(hasChromium, `Chromium is missing at ${CHROMIUM}; .ci/run installs it with apt-get install -y chromium`).toBe(true);
  });
});

if (!hasChromium && !inCI) {
  console.warn(`browser tests skipped: Chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set MIR_CHROMIUM)`);
}

type Relay = Awaited<ReturnType<typeof startRelay>>;

/** Runs in the page: visible elements matching `selector` whose text contrast is under 4.5:1 (WCAG AA). */
function lowContrast(selector: string): string[] {
  const rgb = (c: string): number[] => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = ([r, g, b]: number[]): number => {
    const ch = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
  };
  const background = (el: Element | null): number[] => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3]! > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out: string[] = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!(el as HTMLElement).offsetParent || !el.textContent?.trim()) continue;
    const fg = lum(rgb(getComputedStyle(el).color));
    const bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) out.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
  }
  return out;
}

describe.skipIf(!hasChromium)('the page in Chromium against a real relay and real agents', () => {
  const wallet = newWallet();
  const phrase = phraseFromSecret(wallet.secret);
  const agents = new Map<string, ChildProcess>();
  const sockets: WebSocket[] = [];
  const pageErrors: string[] = [];
  const outgoing: string[] = [];
  let root = '';
  let webDir = '';
  let relay: Relay;
  let browser: Browser;
  let page: Page;

  const rowNames = (p: Page): Promise<string[]> =>
    p.locator('#device-rows tr td.name').evaluateAll((tds) => tds.map((td) => td.firstChild?.textContent ?? ''));
  const waitForNames = (p: Page, names: string[]) =>
    expect.poll(() => rowNames(p).then((n) => [...n].sort()), { timeout: WAIT }).toEqual([...names].sort());
  const addAgent = async (name: string) => {
    agents.set(name, startAgent(relay.url, name, await agentHome(root, phrase)));
  };

  beforeAll(async () => {
    if (!existsSync(bin('mir-agent'))) throw new Error(`${bin('mir-agent')} is missing: run npm run build first`);
    root = await mkdtemp(join(tmpdir(), 'mir-web-e2e-'));
    webDir = await buildPage();
    relay = await startRelay({ port: 0, webDir, log: silentLogger });
    browser = await launchChromium();
    await Promise.all([addAgent('alpha'), addAgent('bravo')]);
    // Entries a relay could hand out that must never be listed: one sealed under another wallet's
    // key, one of garbage. They ride raw sockets, the way a squatter would publish them.
    const other = newWallet();
    const record = { v: 1 as const, name: 'intruder', host_pub: hex.encode(newHostKeypair().publicKey), signal_url: relay.url, ts: 1 };
    for (const [id, blob] of [
      ['f0f0f0f0f0f0f0f0', sealDevice(other.registryKey, record, 'f0f0f0f0f0f0f0f0')],
      ['e1e1e1e1e1e1e1e1', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ] as const) {
      const ws = new WebSocket(`${relay.url}/agent/signal?owner_id=${wallet.address}&machine_id=${id}`);
      ws.on('error', () => undefined);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'registry', registry: blob })));
      sockets.push(ws);
    }
    page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // Everything the page sends: request URLs, bodies and headers, and WebSocket frames.
    page.on('request', (r) => outgoing.push(r.url(), r.postData() ?? '', JSON.stringify(r.headers())));
    page.on('websocket', (ws) => {
      outgoing.push(ws.url());
      ws.on('framesent', (f) => outgoing.push(String(f.payload)));
    });
    // CSP refusals and failed loads surface as console errors.
    page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
  }, 60_000);

  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await Promise.all([...agents.values()].map((a) => stopProcess(a)));
    await browser?.close();
    await relay?.close();
    await rm(root, { recursive: true, force: true });
    await rm(webDir, { recursive: true, force: true });
  }, 30_000);

  it('keeps the passkey buttons disabled on an IP-address origin, even after a refused phrase', async () => {
    await page.goto(`${relay.httpUrl}/`); // 127.0.0.1: WebAuthn refuses IP addresses as rpId
    const signInPasskey = page.getByRole('button', { name: 'Sign in with a passkey' });
    expect(await signInPasskey.isDisabled()).toBe(true);
    await page.getByLabel('Use my recovery phrase').fill('only three words');
    await page.getByRole('button', { name: 'Sign in with phrase' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'phrase' }).textContent()).toContain('this one has 3');
    expect(await signInPasskey.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign in with phrase' }).isDisabled()).toBe(false);
  });

  it('signs in with the recovery phrase and lists the agents by name, dropping forged entries', async () => {
    const response = await page.goto(relay.httpUrl.replace('127.0.0.1', 'localhost') + '/');
    // The page runs under the relay's strict CSP (no inline code, same origin only).
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.screenshot({ path: join(SCREENSHOTS, 'signin.png'), fullPage: true });
    // A phrase with a word missing is refused with the CLI's sentence, announced, field marked.
    await page.getByLabel('Use my recovery phrase').fill(phrase.split(' ').slice(1).join(' '));
    await page.getByRole('button', { name: 'Sign in with phrase' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'phrase' }).textContent()).toBe(
      'That phrase does not work: a recovery phrase has 24 words, this one has 23.',
    );
    expect(await page.locator('#phrase').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'signin-error.png'), fullPage: true });
    await page.locator('#phrase').fill('');
    // Keyboard only: type into the labelled field, Tab to the button, Enter.
    await page.getByLabel('Use my recovery phrase').focus();
    await page.keyboard.type(phrase);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('phrase-submit');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#address').textContent()).toBe(wallet.address);
    // Focus follows the sign-in to the list heading; the typed words are gone from the DOM.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('devices-title');
    expect(await page.locator('#phrase').inputValue()).toBe('');
    await waitForNames(page, ['alpha', 'bravo']);
    // The forged and garbage entries are on the relay, yet no row shows them.
    const listed = await (await fetch(`${relay.httpUrl}/registry?wallet=${wallet.address}`)).json();
    expect(listed).toHaveLength(4);
    await expect.poll(() => rowNames(page)).toHaveLength(2);
    expect(await page.locator('#device-rows').textContent()).not.toContain('intruder');
    await expect.poll(() => page.locator('#status').textContent()).toContain('Live');
    await page.screenshot({ path: join(SCREENSHOTS, 'list.png'), fullPage: true });
  }, 30_000);

  it('shows a newly started agent and a "new device joined" notice without a reload', async () => {
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await addAgent('charlie');
    await waitForNames(page, ['alpha', 'bravo', 'charlie']);
    await expect.poll(() => page.locator('#notices').textContent(), { timeout: WAIT }).toContain('new device "charlie" joined your wallet');
    expect(await page.locator('#notices').getAttribute('aria-live')).toBe('polite');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker); // same document
    await page.screenshot({ path: join(SCREENSHOTS, 'list-notice.png'), fullPage: true });
  }, 30_000);

  it('keeps text contrast at 4.5:1 or more in the light and the dark scheme', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const low = await page.evaluate(lowContrast, 'h1, #status, caption, th, td, code, .badge, .state, .notice p, button, .brand');
      expect(low, `${scheme} scheme`).toEqual([]);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'list-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
    // The check itself can fail: a grey-on-white probe is caught.
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.id = 'probe';
      probe.textContent = 'faint';
      probe.style.color = '#aaaaaa';
      probe.style.background = '#ffffff';
      document.getElementById('main')!.append(probe);
    });
    expect(await page.evaluate(lowContrast, '#probe')).toHaveLength(1);
    await page.evaluate(() => document.getElementById('probe')?.remove());
  }, 30_000);

  it('never sends the wallet secret, the phrase or K_reg anywhere (only the address)', () => {
    const sent = outgoing.join('\n');
    expect(sent).toContain(wallet.address); // the routing key is meant to travel
    for (const [what, value] of [
      ['secret (hex)', hex.encode(wallet.secret)],
      ['secret (base64)', base64.encode(wallet.secret)],
      ['K_reg (hex)', hex.encode(wallet.registryKey)],
      ['K_reg (base64)', base64.encode(wallet.registryKey)],
      ['phrase', phrase.split(' ').slice(0, 3).join(' ')],
      ['phrase (url-encoded)', phrase.split(' ').slice(0, 3).join('+')],
    ] as const) {
      expect(sent.includes(value), what).toBe(false);
    }
  });

  it('runs without a script error or a CSP violation in the page', () => {
    expect(pageErrors).toEqual([]);
  });

  it('drops an agent from the list when it stops (SIGTERM)', async () => {
    await stopProcess(agents.get('bravo')!);
    agents.delete('bravo');
    await waitForNames(page, ['alpha', 'charlie']);
  }, 30_000);

  it('is usable at phone width: every row keeps its name, id, key and state', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const firstRow = page.locator('#device-rows tr').first();
    expect(await firstRow.locator('td').count()).toBe(4);
    // Each cell is its own line with its label (the table turns into cards below 40rem).
    expect(await firstRow.locator('td').evaluateAll((tds) => tds.map((td) => getComputedStyle(td).display))).toEqual(['block', 'block', 'block', 'block']);
    await page.screenshot({ path: join(SCREENSHOTS, 'list-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 1100, height: 720 });
  }, 30_000);

  it('says plainly when the relay is unreachable, and Retry brings the list back', async () => {
    const port = relay.port;
    await relay.close();
    await expect.poll(() => page.locator('#unreachable').isVisible(), { timeout: WAIT }).toBe(true);
    expect(await page.locator('#unreachable-text').textContent()).toContain('Cannot reach the relay');
    // The last list stays, but no longer claims anyone is online.
    await expect.poll(() => page.locator('#device-rows .state').allTextContents()).toEqual(['last seen online', 'last seen online']);
    await page.screenshot({ path: join(SCREENSHOTS, 'unreachable.png'), fullPage: true });
    // Retry while the relay is still away: the alert comes back and the last list is not blanked.
    await page.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => page.locator('#unreachable').isVisible(), { timeout: WAIT }).toBe(true);
    expect(await page.locator('#device-rows .state').allTextContents()).toEqual(['last seen online', 'last seen online']);
    relay = await startRelay({ port, webDir, log: silentLogger });
    await page.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => page.locator('#unreachable').isVisible(), { timeout: WAIT }).toBe(false);
    await waitForNames(page, ['alpha', 'charlie']);
  }, 40_000);

  it('signs out: the list, the address and the phrase leave the page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.locator('#signin').isVisible()).toBe(true);
    expect(await page.locator('#address').textContent()).toBe('');
    expect(await page.locator('#device-rows tr').count()).toBe(0);
    expect(await page.evaluate(() => [sessionStorage.length, Object.keys(localStorage)])).toEqual([0, ['mir.seen.v1']]);
    const seen: unknown = JSON.parse((await page.evaluate(() => localStorage.getItem('mir.seen.v1'))) ?? 'null');
    expect(Array.isArray(seen) && seen.length === 3 && seen.every((id) => typeof id === 'string' && /^[0-9a-f]{16}$/.test(id))).toBe(true);
  }, 30_000);

  it('announces each machine once: signing in again after a reload shows no notice for known ones', async () => {
    await page.reload();
    await page.getByLabel('Use my recovery phrase').fill(phrase);
    await page.getByRole('button', { name: 'Sign in with phrase' }).click();
    await waitForNames(page, ['alpha', 'charlie']);
    expect(await page.locator('#notices .notice').count()).toBe(0);
    expect(await page.locator('#device-rows .badge').count()).toBe(0);
  }, 30_000);

  it('registers a passkey, signs in with it twice to the same wallet, and its phrase gives that wallet', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    try {
      const p = await context.newPage();
      const cdp = await context.newCDPSession(p);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          hasPrf: true,
        } as never,
      });
      // WebAuthn needs a secure context and an rpId that is a host name: http://localhost is both.
      await p.goto(relay.httpUrl.replace('127.0.0.1', 'localhost') + '/');
      await p.getByRole('button', { name: 'Create a new passkey' }).click();
      await expect.poll(() => p.locator('#address').textContent(), { timeout: WAIT }).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
      const address = (await p.locator('#address').textContent())!;
      // A new passkey is a new wallet: the page shows its phrase at once, to be written down.
      const words = (await p.locator('#phrase-words').textContent())!;
      expect(walletFromPhrase(words).address).toBe(address);
      await p.screenshot({ path: join(SCREENSHOTS, 'passkey-new.png'), fullPage: true });

      for (let i = 0; i < 2; i++) {
        await p.getByRole('button', { name: 'Sign out' }).click();
        await p.getByRole('button', { name: 'Sign in with a passkey' }).click();
        await expect.poll(() => p.locator('#address').textContent(), { timeout: WAIT }).toBe(address);
      }
      // The phrase of the same secret signs in to the same address.
      await p.getByRole('button', { name: 'Sign out' }).click();
      await p.getByLabel('Use my recovery phrase').fill(words);
      await p.getByRole('button', { name: 'Sign in with phrase' }).click();
      await expect.poll(() => p.locator('#address').textContent()).toBe(address);
    } finally {
      await context.close();
    }
  }, 45_000);
});
