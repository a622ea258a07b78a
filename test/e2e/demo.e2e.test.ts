// Issue #8: `npm start` — the demo a newcomer runs first. In a real terminal (tmux) the machines
// appear live in mir-tui with the notice; quitting stops every process and removes the homes.
// Without a terminal it prints the list once and stops.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { hasTmux, TmuxSession } from '../tui/procs.js';
import { bin } from '../helpers/run.js';
import { waitFor } from './procs.js';

const demoHomes = () => readdirSync(tmpdir()).filter((d) => d.startsWith('mir-demo-')).sort();
/** Processes the demo started: their --home lies under a mir-demo- folder. */
function demoProcesses(): string {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes('mir-demo-')) found.push(`${pid} ${cmd}`);
    } catch {
      /* gone meanwhile */
    }
  }
  return found.join('\n');
}

let tmux: TmuxSession | undefined;
afterEach(() => {
  tmux?.kill();
  tmux = undefined;
});

describe('npm start (the demo)', () => {
  it('without a terminal, lists the three demo machines once and cleans up after itself', async () => {
    const before = demoHomes();
    const child = spawn(process.execPath, [bin('mir-demo')], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 40_000);
      child.on('close', (c) => (clearTimeout(t), resolve(c)));
    });
    expect(code).toBe(0);
    for (const name of ['mac-mini', 'linux-box', 'ci-runner-7']) expect(out).toMatch(new RegExp(`^${name}\\s+[0-9a-f]{16}\\s.*registry\\s+yes`, 'm'));
    expect(demoHomes()).toEqual(before);
  }, 60_000);

  it.skipIf(!hasTmux() && process.env.CI !== 'true')('in a terminal, the machines appear live with the notice, and Esc stops everything', async () => {
    const before = demoHomes();
    tmux = new TmuxSession(`${process.execPath} ${bin('mir-demo')}`, 100, 24);
    const screen = await waitFor('three machines on screen', () => {
      const s = tmux!.capture();
      return ['mac-mini', 'linux-box', 'ci-runner-7'].every((n) => s.includes(n)) ? s : null;
    }, 30_000, 250);
    expect(screen).toMatch(/● live/);
    expect(screen).toMatch(/3 devices/);
    tmux.press('Escape');
    await waitFor('the demo to clean up', () => demoHomes().length === before.length && demoProcesses() === '', 10_000, 200);
    expect(demoHomes()).toEqual(before);
  }, 60_000);
});
