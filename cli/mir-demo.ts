#!/usr/bin/env node
/**
 * `npm start` (issue #8): the whole system on this machine, with no set-up. A relay on a free
 * loopback port, a throwaway wallet, three agents that join a moment apart, and mir-tui on that
 * relay; one agent leaves and comes back during the first minute. Ctrl-C (or quitting the TUI)
 * stops every process it started and removes the temporary homes.
 *
 * Real processes throughout (the built binaries), so what you see is what you would run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitForListening } from '../relay/announce.js';

const BIN = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));
const AGENT_NAMES = ['mac-mini', 'linux-box', 'ci-runner-7'];
/** When each agent joins, and when the flapping one leaves and comes back (ms after start). */
const JOIN_AT_MS = [1_500, 4_000, 7_000];
const FLAP_LEAVE_AT_MS = 20_000;
const FLAP_BACK_AT_MS = 32_000;

const root = mkdtempSync(join(tmpdir(), 'mir-demo-'));
const children = new Set<ChildProcess>();
const timers: NodeJS.Timeout[] = [];
let stopping = false;

function start(name: string, args: string[], opts: { stdio?: 'inherit' | 'pipe'; input?: string } = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN(name), ...args], {
    stdio: opts.stdio === 'inherit' ? 'inherit' : ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MIR_HOME: '' },
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return child;
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function must(name: string, args: string[], input?: string): Promise<string> {
  const r = await output(start(name, args, { input }));
  if (r.code !== 0) throw new Error(`${name} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

function cleanup(code: number): never {
  if (!stopping) {
    stopping = true;
    timers.forEach(clearTimeout);
    for (const c of children) c.kill('SIGTERM');
  }
  rmSync(root, { recursive: true, force: true });
  process.exit(code);
}

async function main(): Promise<void> {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => cleanup(0));

  const relay = start('mir-relay', ['--listen', '127.0.0.1:0', '--grace', '3']);
  relay.stderr?.resume(); // the relay's event log is not part of the show
  const url = await waitForListening(relay);

  // One wallet, copied into every home by its phrase: that is all "pairing" there is.
  const viewer = join(root, 'viewer');
  const { phrase } = JSON.parse(await must('mir', ['wallet', 'new', '--json', '--home', viewer])) as { phrase: string };
  const homes = await Promise.all(
    AGENT_NAMES.map(async (n) => {
      const home = join(root, n);
      await must('mir', ['wallet', 'import-phrase', '--home', home], phrase);
      return home;
    }),
  );

  const agents = new Map<number, ChildProcess>();
  const startAgent = (i: number) => {
    const a = start('mir-agent', ['--relay', url, '--name', AGENT_NAMES[i]!, '--home', homes[i]!]);
    a.stdout?.resume();
    a.stderr?.resume();
    agents.set(i, a);
  };
  JOIN_AT_MS.forEach((ms, i) => timers.push(setTimeout(() => startAgent(i), ms)));
  timers.push(setTimeout(() => agents.get(1)?.kill('SIGTERM'), FLAP_LEAVE_AT_MS));
  timers.push(setTimeout(() => startAgent(1), FLAP_BACK_AT_MS));

  if (!process.stdin.isTTY && !process.stderr.isTTY) {
    // No terminal to draw the TUI on (a pipe, CI): show the list once everyone has joined.
    await new Promise((r) => setTimeout(r, JOIN_AT_MS.at(-1)! + 3_000));
    process.stdout.write(await must('mir', ['list', '--relay', url, '--home', viewer]));
    cleanup(0);
  }

  process.stderr.write(`mir demo: relay ${url}; three machines join in the next seconds, "linux-box" leaves at 20 s and returns at 32 s.\n`);
  const tui = start('mir-tui', ['--relay', url, '--home', viewer], { stdio: 'inherit' });
  tui.on('exit', () => cleanup(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`mir demo: ${err instanceof Error ? err.message : String(err)}\n`);
  cleanup(1);
});
