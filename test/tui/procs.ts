/** Real processes for the terminal test and the benchmark: a relay, agents, a tmux session. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { bin } from '../helpers/run.js';
import { waitForListening } from '../../relay/announce.js';
import { newWallet, type Wallet } from '../../crypto/wallet.js';
import { storeWallet } from '../../home/wallet.js';

export { bin };

/** The compiled binaries the test needs, or a message saying how to build them. */
export function missingBuild(): string | null {
  for (const b of ['mir-relay', 'mir-agent', 'mir-tui']) if (!existsSync(bin(b))) return `dist/cli/${b}.js is missing: run npx tsc -p tsconfig.build.json`;
  return null;
}

/** `mir-relay --listen 127.0.0.1:0`, resolved once it printed the URL it serves on. */
export async function startRelayProcess(args: string[] = []): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [bin('mir-relay'), '--listen', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  return { url: await waitForListening(proc), proc };
}

/** `mir-agent --relay URL --name NAME --home HOME` (the home must hold the wallet). */
export function startAgentProcess(url: string, name: string, home: string): ChildProcess {
  const proc = spawn(process.execPath, [bin('mir-agent'), '--relay', url, '--name', name, '--home', home], { stdio: ['ignore', 'ignore', 'ignore'] });
  return proc;
}

/** One wallet written into several homes: all the "pairing" there is. */
export function walletInHomes(homes: readonly string[]): Wallet {
  const wallet = newWallet();
  for (const h of homes) storeWallet(h, wallet);
  return wallet;
}

/** Ends a child and waits for it (bounded). */
export async function stop(proc: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill(signal);
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3_000))]);
  if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
}

export const hasTmux = (): boolean => spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

/** A tmux server of our own (its own socket), one window of `width`×`height` running `command`. */
export class TmuxSession {
  private readonly socket = `mir-tui-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  constructor(command: string, width = 80, height = 24, env: Record<string, string> = {}) {
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    this.tmux('new-session', '-d', '-x', String(width), '-y', String(height), ...envArgs, command);
  }
  private tmux(...args: string[]): string {
    const r = spawnSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', timeout: 5_000 });
    if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr.trim()}`);
    return r.stdout;
  }
  /** The visible screen, as text. */
  capture(): string {
    return this.tmux('capture-pane', '-p');
  }
  /** Types text literally (each character a key). */
  type(text: string): void {
    this.tmux('send-keys', '-l', text);
  }
  /** Presses named keys (Enter, Escape, Down, C-c). */
  press(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }
  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore', timeout: 5_000 });
  }
}
