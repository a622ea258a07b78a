/**
 * Shared pieces of the browser tests (issue #7): Debian's Chromium through playwright-core (no
 * browser download), the page built into a temp folder, real agent homes and processes.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bin } from '../helpers/run.js';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.MIR_CHROMIUM ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const inCI = process.env.CI === 'true';
export const SCREENSHOTS = join(process.cwd(), 'test-results', 'web');

const run = promisify(execFile);

/** Headless system Chromium with a fresh temp profile; `localhost` mapped to loopback v4. */
export async function launchChromium(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // The relay listens on 127.0.0.1; WebAuthn wants the rpId `localhost` (a secure context).
      '--host-resolver-rules=MAP localhost 127.0.0.1',
    ],
  });
}

/** Builds the page exactly as `npm run build` does, into a fresh temp folder. */
export async function buildPage(): Promise<string> {
  const out = await mkdtemp(join(tmpdir(), 'mir-web-'));
  await run(process.execPath, ['web/build.mjs', out], { timeout: 25_000 });
  return out;
}

export { bin };

/** A fresh agent home holding the wallet of `phrase` (through `mir wallet import-phrase`). */
export async function agentHome(root: string, phrase: string): Promise<string> {
  const home = await mkdtemp(join(root, 'agent-'));
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin('mir'), 'wallet', 'import-phrase', '--home', home], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import-phrase exited ${code}: ${err}`))));
    child.stdin.end(`${phrase}\n`);
  });
  return home;
}

/** Starts a real mir-agent process. */
export function startAgent(relayUrl: string, name: string, home: string): ChildProcess {
  const child = spawn(process.execPath, [bin('mir-agent'), '--relay', relayUrl, '--name', name, '--home', home], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  child.on('error', () => undefined);
  return child;
}

/** SIGTERM, then waits for the exit (SIGKILL after `ms`). */
export async function stopProcess(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}
