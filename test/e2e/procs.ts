// Real processes for the end-to-end suite: the built binaries, started and stopped like a user
// would, each with bounded waits. Every process started here is killed by stopAll().
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitForListening } from '../../relay/announce.js';
import { bin, run } from '../helpers/run.js';

const live = new Set<ChildProcess>();
const dirs: string[] = [];

export function tempDir(prefix = 'mir-e2e-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

export interface Proc {
  child: ChildProcess;
  stderr: () => string;
  /** SIGTERM, then the exit code (SIGKILL after `ms`). */
  stop(signal?: NodeJS.Signals, ms?: number): Promise<number | null>;
}

export function startProc(name: string, args: string[], { cwd, env }: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Proc {
  const child = spawn(process.execPath, [bin(name), ...args], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (live.delete(child), resolve(code))));
  return {
    child,
    stderr: () => err,
    async stop(signal = 'SIGTERM', ms = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

export interface RelayProc extends Proc {
  url: string;
  httpUrl: string;
  port: number;
}

export async function startRelayProc(port = 0, extra: string[] = [], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RelayProc> {
  const p = startProc('mir-relay', ['--listen', `127.0.0.1:${port}`, ...extra], opts);
  const url = await waitForListening(p.child).catch((err: Error) => {
    throw new Error(`${err.message}: ${p.stderr()}`);
  });
  return { ...p, url, httpUrl: url.replace(/^ws/, 'http'), port: Number(new URL(url).port) };
}

/** A home holding the wallet of `phrase`. */
export async function homeWithWallet(phrase: string): Promise<string> {
  const home = join(tempDir('mir-home-'), 'home');
  const r = await run('mir', ['wallet', 'import-phrase', '--home', home], { input: phrase });
  if (r.code !== 0) throw new Error(`import-phrase failed: ${r.stderr}`);
  return home;
}

export async function newPhrase(): Promise<{ phrase: string; address: string }> {
  const r = await run('mir', ['wallet', 'new', '--json', '--home', join(tempDir(), 'w')]);
  return JSON.parse(r.stdout) as { phrase: string; address: string };
}

/** Polls `fn` until it returns a truthy value, or fails after `ms` with the last value seen. */
export async function waitFor<T>(what: string, fn: () => Promise<T> | T, ms = 10_000, everyMs = 100): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function stopAll(): Promise<void> {
  for (const c of live) c.kill('SIGKILL');
  live.clear();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}
